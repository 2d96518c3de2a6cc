"""Amounts in words, Indian style (lakh, crore): "Rupees Five Hundred Only" on a receipt."""

from decimal import ROUND_HALF_UP, Decimal

ONES = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
]
TENS = ["_", "_", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]
# Largest first; below a hundred the words are read from ONES / TENS.
SCALES = ((10_000_000, "Crore"), (100_000, "Lakh"), (1000, "Thousand"), (100, "Hundred"))


def number_in_words(number: int) -> str:
    """A whole number >= 0 in Indian-style English words: 150000 -> "One Lakh Fifty Thousand"."""
    if number < 0:
        raise ValueError("number must not be negative")
    if number < 20:
        return ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return TENS[tens] + (f" {ONES[ones]}" if ones else "")
    for scale, name in SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            words = f"{number_in_words(high)} {name}"
            return words + (f" {number_in_words(rest)}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


def rupees_in_words(amount: Decimal) -> str:
    """Rupees and paise: Decimal("500") -> "Rupees Five Hundred Only"; 450.50 -> "... and Fifty Paise Only"."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    rupees, paise = divmod(int(amount * 100), 100)
    words = f"Rupees {number_in_words(rupees)}"
    if paise:
        words += f" and {number_in_words(paise)} Paise"
    return words + " Only"
