import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from accounts.models import WEEKDAYS
from accounts.services.users import user_create
from arthomed.core.errors import ApplicationError
from arthomed.core.roles import Role

SCHEDULE_HELP = (
    'Weekly schedule, e.g. "mon-sat 09:00-13:00,16:00-19:00"; several groups separated by ";", '
    'e.g. "mon-fri 09:00-13:00; sat 10:00-12:00"'
)
GROUP = re.compile(r"^(?P<days>[a-z]+(?:-[a-z]+)?)\s+(?P<ranges>\S+)$")


def _day_index(token: str) -> int:
    for index, day in enumerate(WEEKDAYS):
        if len(token) >= 3 and day.startswith(token):
            return index
    raise CommandError(f"Unknown day {token!r} in --schedule")


def _clock(text: str):
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError as exc:
        raise CommandError(f"Bad time {text!r} in --schedule (use HH:MM)") from exc


def parse_schedule(text: str) -> list[dict]:
    """`mon-sat 09:00-13:00,16:00-19:00[; sun 10:00-12:00]` -> schedule blocks (overlaps are checked by the service)."""
    blocks = []
    for group in filter(None, (part.strip().lower() for part in text.split(";"))):
        match = GROUP.match(group)
        if not match:
            raise CommandError(f"Bad --schedule group {group!r}; expected e.g. 'mon-sat 09:00-13:00,16:00-19:00'")
        first, _, last = match["days"].partition("-")
        start_day, end_day = _day_index(first), _day_index(last or first)
        if end_day < start_day:
            raise CommandError(f"Day range {match['days']!r} runs backwards")
        for time_range in match["ranges"].split(","):
            start, sep, end = time_range.partition("-")
            if not sep:
                raise CommandError(f"Bad time range {time_range!r} in --schedule (use HH:MM-HH:MM)")
            for day in WEEKDAYS[start_day : end_day + 1]:
                blocks.append({"day": day, "start_time": _clock(start), "end_time": _clock(end)})
    return blocks


class Command(BaseCommand):
    help = "Create a user of any role and print its id."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--mobile", required=True, help="Indian mobile number, e.g. 9876543210")
        parser.add_argument("--name", required=True)
        parser.add_argument("--email")
        parser.add_argument("--specialization", help="Doctors only, e.g. 'Arthroscopy'")
        parser.add_argument("--fee", help="Doctors only: consultation fee in INR, e.g. 500 or 750.50")
        parser.add_argument("--slot-duration", type=int, help="Doctors only: minutes per slot (10-120)")
        parser.add_argument("--schedule", help=f"Doctors only. {SCHEDULE_HELP}")

    def handle(self, *args, **options):
        user = user_create_from_options(options)
        self.stdout.write(str(user.id))


def _doctor_info(options: dict) -> dict | None:
    doctor_options = ("specialization", "fee", "slot_duration", "schedule")
    given = [name for name in doctor_options if options.get(name) not in (None, "")]
    if options["role"] != Role.DOCTOR:
        if given:
            raise CommandError(f"--{given[0].replace('_', '-')} is only for --role doctor")
        return None
    info: dict = {}
    if options.get("specialization"):
        info["specialization"] = options["specialization"].strip()
    if options.get("fee") is not None:
        try:
            fee = Decimal(options["fee"])
        except InvalidOperation as exc:
            raise CommandError(f"--fee must be a number, got {options['fee']!r}") from exc
        if not fee.is_finite() or fee < 0 or fee.as_tuple().exponent < -2:
            raise CommandError("--fee must be a non-negative amount with at most 2 decimals")
        info["consultation_fee"] = fee
    if options.get("slot_duration") is not None:
        if not 10 <= options["slot_duration"] <= 120:
            raise CommandError("--slot-duration must be between 10 and 120 minutes")
        info["slot_duration"] = options["slot_duration"]
    if options.get("schedule"):
        info["schedule"] = parse_schedule(options["schedule"])
    return info


def user_create_from_options(options: dict):
    doctor_info = _doctor_info(options)
    try:
        return user_create(
            mobile_number=options["mobile"],
            name=options["name"],
            role=options["role"],
            email=options.get("email"),
            is_verified=True,
            doctor_info=doctor_info,
        )
    except ApplicationError as exc:
        detail = "; ".join(f"{error['field']}: {error['message']}" for error in exc.errors)
        raise CommandError(f"{exc.code}: {exc.message}" + (f" ({detail})" if detail else "")) from exc
