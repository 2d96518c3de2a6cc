"""The one rule for a person's name (SPEC.md §4), used by every input that takes one.

2-100 characters: letters of any script (with their combining marks, so Devanagari,
Tamil and other Indian scripts work), spaces, `.`, `'` and `-`, starting with a letter.
Checked in one pass over the characters, without a regular expression: the time is
linear in the length whatever the input (a backtracking pattern once let one anonymous
request hold a CPU for half a minute).
"""

import unicodedata

from django.core.exceptions import ValidationError

NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = 100
NAME_SEPARATORS = frozenset(" .'-")
NAME_MESSAGE = "Name must be 2-100 characters: letters, spaces, dots, apostrophes and hyphens"


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _is_name_char(char: str) -> bool:
    return char in NAME_SEPARATORS or unicodedata.category(char)[0] in "LM"


def is_person_name(value: str) -> bool:
    if not NAME_MIN_LENGTH <= len(value) <= NAME_MAX_LENGTH:
        return False
    return _is_letter(value[0]) and all(_is_name_char(char) for char in value)


def validate_person_name(value: str) -> None:
    """Django validator: usable by DRF fields and admin forms alike."""
    if not is_person_name(value):
        raise ValidationError(NAME_MESSAGE, code="invalid")


def name_key(value: str) -> str:
    """A name as compared between people: case and spacing ignored ("anya  RAO" is "Anya Rao")."""
    return " ".join(value.split()).casefold()
