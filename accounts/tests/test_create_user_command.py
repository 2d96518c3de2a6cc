"""`manage.py create_user`, including the doctor fields and the compact schedule syntax."""

from datetime import time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.management.commands.create_user import parse_schedule
from accounts.models import ScheduleBlock, User


def run(*args) -> str:
    out = StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
class TestCreateUserCommand:
    def test_admin_prints_id(self):
        user_id = run("--role", "admin", "--mobile", "+91 98765 43210", "--name", "Asha Admin", "--email", "A@X.IN")
        user = User.objects.get(pk=user_id)
        assert user.role == "admin"
        assert user.mobile_number == "9876543210"
        assert user.email == "a@x.in"
        assert user.is_verified

    def test_doctor_with_specialization_fee_and_schedule(self):
        user_id = run(
            "--role",
            "doctor",
            "--mobile",
            "9876500010",
            "--name",
            "Dr Rao",
            "--specialization",
            "Arthroscopy",
            "--fee",
            "750.50",
            "--slot-duration",
            "20",
            "--schedule",
            "mon-sat 09:00-13:00,16:00-19:00",
        )
        user = User.objects.get(pk=user_id)
        profile = user.doctor_profile
        assert profile.specialization == "Arthroscopy"
        assert profile.consultation_fee == Decimal("750.50")
        assert profile.slot_duration == 20
        blocks = ScheduleBlock.objects.filter(doctor=user)
        assert blocks.count() == 12
        assert set(blocks.values_list("day", flat=True)) == {
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
        }

    def test_duplicate_number_fails_cleanly(self):
        run("--role", "patient", "--mobile", "9876500011", "--name", "First One")
        with pytest.raises(CommandError, match="ALREADY_EXISTS"):
            run("--role", "patient", "--mobile", "9876500011", "--name", "Second One")

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--fee", "abc"], "--fee must be a number"),
            (["--fee", "-5"], "non-negative"),
            (["--fee", "1.234"], "at most 2 decimals"),
            (["--slot-duration", "5"], "between 10 and 120"),
            (["--schedule", "someday 09:00-10:00"], "Unknown day"),
            (["--schedule", "mon 9-10"], "Bad time"),
            (["--schedule", "sat-mon 09:00-10:00"], "runs backwards"),
            (["--schedule", "mon 09:00-12:00,11:00-13:00"], "VALIDATION_ERROR"),
            (["--schedule", "mon 12:00-09:00"], "VALIDATION_ERROR"),
        ],
    )
    def test_bad_doctor_options(self, extra, message):
        with pytest.raises(CommandError, match=message):
            run("--role", "doctor", "--mobile", "9876500012", "--name", "Dr Bad", "--specialization", "X", *extra)
        assert not User.objects.filter(mobile_number="9876500012").exists()

    def test_doctor_options_refused_for_other_roles(self):
        with pytest.raises(CommandError, match="only for --role doctor"):
            run("--role", "patient", "--mobile", "9876500013", "--name", "Pat", "--fee", "100")

    def test_bad_mobile(self):
        with pytest.raises(CommandError, match="INVALID_MOBILE_NUMBER"):
            run("--role", "patient", "--mobile", "12345", "--name", "Pat")


def test_parse_schedule_groups():
    blocks = parse_schedule("mon-fri 09:00-13:00; Saturday 10:00-12:00")
    assert len(blocks) == 6
    assert blocks[-1] == {"day": "saturday", "start_time": time(10), "end_time": time(12)}
