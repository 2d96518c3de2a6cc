"""How the admin shows dates and times (LANGUAGE_CODE "en-in" falls back to "en"): clinic time,
24-hour HH:MM as everywhere a person reads a time (SPEC.md §10), day before month."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
