"""Sign-in cannot be turned against a person (issue 12, point 6).

Strangers asking for codes, from any number of addresses, delay the owner of a number by
at most `OTP_LOCKOUT_SECONDS` (15 min), and SMS to one number stay at most 10 an hour.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.services import auth
from accounts.tests.test_auth_otp import START, error_code, last_code, send, verify, wrong
from arthomed import sms

pytestmark = pytest.mark.django_db

NUMBER = "9876543210"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def stranger_ip(index: int) -> str:
    return f"198.51.{index // 250}.{index % 250 + 1}"


@pytest.fixture
def sms_times(monkeypatch) -> list:
    """When each sign-in SMS went, to count them per rolling hour."""
    times = []
    original = auth.send_sms

    def recording_send_sms(to, body):
        times.append(timezone.now())
        return original(to, body)

    monkeypatch.setattr(auth, "send_sms", recording_send_sms)
    return times


def max_sms_in_any_hour(times: list) -> int:
    return max((sum(1 for other in times if start <= other < start + timedelta(hours=1)) for start in times), default=0)


def test_strangers_asking_for_codes_from_many_addresses_do_not_stop_the_owner(api, clock):
    for index in range(40):  # every 61 s for 40 minutes, each from a new address
        assert send(api, NUMBER, ip=stranger_ip(index)).status_code in (200, 429)
        clock.shift(61)
    # The owner asks for a code: no new SMS, but the latest one they received still works.
    response = send(api, NUMBER, ip="203.0.113.50")
    assert response.status_code == 200
    assert verify(api, NUMBER, last_code()).status_code == 200
    assert len(sms.outbox) == 5


def test_a_stranger_killing_the_latest_code_delays_the_owner_by_at_most_15_minutes(api, clock):
    for index in range(5):
        send(api, NUMBER, ip=stranger_ip(index))
        clock.shift(61)
    for _ in range(3):  # three wrong guesses kill the latest code
        verify(api, NUMBER, wrong(last_code()))

    refused = send(api, NUMBER, ip="203.0.113.50")
    assert error_code(refused) == "RATE_LIMIT_EXCEEDED"
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 15 * 60

    clock.shift(wait)
    assert send(api, NUMBER, ip="203.0.113.50").status_code == 200
    assert len(sms.outbox) == 6
    assert verify(api, NUMBER, last_code()).status_code == 200


def test_sms_to_one_number_stay_at_most_ten_an_hour_whatever_strangers_do(api, clock, sms_times):
    for index in range(180):  # three hours: ask for a code and kill it, every minute
        send(api, NUMBER, ip=stranger_ip(index))
        for _ in range(3):
            verify(api, NUMBER, "000000")
        clock.shift(60)
    assert max_sms_in_any_hour(sms_times) <= 10
    assert len(sms_times) >= 3 * 5  # the budget is really used every hour


def test_the_kept_code_lives_at_most_an_hour_then_a_fresh_one_is_sent(api, clock):
    for index in range(5):
        send(api, NUMBER, ip=stranger_ip(index))
        clock.shift(61)
    first = sms.outbox[0]
    clock.shift(timedelta(hours=1) - timedelta(seconds=5 * 61) + timedelta(seconds=1))  # the first SMS left the window
    assert send(api, NUMBER).status_code == 200
    assert sms.outbox[-1] is not first
    assert len(sms.outbox) == 6
