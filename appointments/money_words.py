"""Amounts as the clinic writes them, Indian style (lakh, crore): ₹1,25,000.00 and "Rupees Five Hundred Only"."""

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


def rupees_in_figures(value, *, symbol: str = "₹") -> str:
    """An amount with Indian digit grouping and two decimals: 125000 -> "₹1,25,000.00" ("" for none)."""
    if value is None or value == "":
        return ""
    # Through str(): a float such as 750.255 rounds as written, not as its binary value.
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, fraction = f"{amount:.2f}".split(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    head, tail = digits[:-3], digits[-3:]
    groups = [head[max(0, i - 2) : i] for i in range(len(head), 0, -2)][::-1]
    return f"{sign}{symbol}{','.join([*groups, tail]) if head else tail}.{fraction}"
