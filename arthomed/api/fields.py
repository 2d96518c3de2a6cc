"""Serializer fields for the contract's own formats."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from arthomed.core.names import NAME_MAX_LENGTH, NAME_MIN_LENGTH, validate_person_name

CLOCK_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


@extend_schema_field({"type": "string", "pattern": CLOCK_TIME_PATTERN, "example": "09:30"})
class ClockTimeField(serializers.TimeField):
    """A clinic-time `HH:MM` (24 h), read and written exactly so (SPEC.md §1)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M"])
        super().__init__(**kwargs)


@extend_schema_field(
    {"type": "string", "minLength": NAME_MIN_LENGTH, "maxLength": NAME_MAX_LENGTH, "example": "Asha Rao"}
)
class PersonNameField(serializers.CharField):
    """A person's name under the project's one name rule (arthomed/core/names.py)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The rule checks the length first, so an oversized value costs nothing more.
        self.validators.append(validate_person_name)


# Dates the clinic can mean. Python dates end at 9999-12-31, so a day's arithmetic near
# either end overflows (a 500): such dates are refused as input instead.
CLINIC_MIN_YEAR = 1900
CLINIC_MAX_YEAR = 2999
CLINIC_YEAR_MESSAGE = f"Date must be between {CLINIC_MIN_YEAR} and {CLINIC_MAX_YEAR}"


class ClinicDateField(serializers.DateField):
    """A `YYYY-MM-DD` date within the years the clinic's calendar covers."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not CLINIC_MIN_YEAR <= day.year <= CLINIC_MAX_YEAR:
            raise serializers.ValidationError(CLINIC_YEAR_MESSAGE)
        return day
