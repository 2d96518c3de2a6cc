"""Indian mobile numbers: accept `9876543210`, `+91 98765 43210`, `09876543210`; store 10 digits."""

import re

import phonenumbers

from arthomed.core.errors import InvalidMobileNumber

TEN_DIGITS = re.compile(r"^[6-9]\d{9}$")
ALLOWED_CHARS = re.compile(r"^[\d\s()+-]{10,20}$")


def normalize_mobile(value: object) -> str:
    """The 10-digit form of an Indian mobile number, or INVALID_MOBILE_NUMBER."""
    text = str(value or "").strip()
    if not isinstance(value, str | int) or not ALLOWED_CHARS.match(text):
        raise InvalidMobileNumber("Mobile number must be a valid 10-digit Indian mobile number", details=None)
    try:
        parsed = phonenumbers.parse(text, "IN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidMobileNumber("Mobile number must be a valid 10-digit Indian mobile number") from exc
    national = str(parsed.national_number)
    if parsed.country_code != 91 or not TEN_DIGITS.match(national):
        raise InvalidMobileNumber("Mobile number must be a valid 10-digit Indian mobile number")
    return national
