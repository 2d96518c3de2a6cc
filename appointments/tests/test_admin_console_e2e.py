"""End to end in a real headless Chromium: a receptionist signs in to the admin with an SMS
code, filters today's pending bookings, confirms one, and the API then shows it confirmed.

Debian's Chromium through Playwright (appointments/tests/browser.py). The SMS code
is read from the locmem SMS outbox: the live server runs in this process.
"""

import datetime as dt
import json
import re
import urllib.request

import pytest
from django.utils import timezone

from accounts.tokens import tokens_for
from appointments.models import AppointmentStatus as S
from appointments.tests.browser import BROWSER_TEST, TIMEOUT_MS, chromium
from appointments.tests.factories import AppointmentFactory
from arthomed import sms

pytestmark = BROWSER_TEST


def a_start_later_today() -> dt.datetime:
    """An instant on today's clinic date, in the future unless the day is nearly over."""
    now = timezone.localtime()
    later = now + dt.timedelta(minutes=5)
    return later if (later + dt.timedelta(minutes=30)).date() == now.date() else now - dt.timedelta(hours=1)


@pytest.fixture
def browser_page():
    with chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page


def last_code_sent_to(mobile_number: str) -> str:
    bodies = [message.body for message in sms.outbox if message.to.endswith(mobile_number)]
    assert bodies, "no SMS code was sent"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


@pytest.fixture
def todays_booking(patient, doctor, make_user):
    """Today's pending booking, among one for tomorrow and one already confirmed."""
    start = a_start_later_today()
    AppointmentFactory(
        patient=make_user(name="Tomorrow Patient"), doctor=doctor, starts_at=start + dt.timedelta(days=1)
    )
    AppointmentFactory(
        patient=make_user(name="Confirmed Patient"),
        doctor=doctor,
        starts_at=start + dt.timedelta(minutes=30),
        status=S.CONFIRMED,
    )
    return AppointmentFactory(patient=patient, doctor=doctor, starts_at=start)


@pytest.fixture
def api_token(receptionist) -> str:
    return tokens_for(receptionist)["accessToken"]


def test_receptionist_confirms_todays_pending_booking(
    live_server, receptionist, todays_booking, api_token, browser_page
):
    # Rows and the API token come from fixtures made before the browser starts: a query made while
    # Playwright runs would open a connection in its context that is never closed (PostgreSQL then
    # cannot drop the test database).
    todays, patient_name = todays_booking, todays_booking.patient.name
    page = browser_page

    # Sign in with mobile number + SMS code, as the admin's login form asks.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/appointments/appointment/")
    page.fill("#id_mobile_number", receptionist.mobile_number)
    page.click("button[value=send]")
    page.wait_for_selector("#id_otp")
    page.fill("#id_otp", last_code_sent_to(receptionist.mobile_number))
    page.click("button[value=sign-in]")
    page.wait_for_url(re.compile(r"/admin/appointments/appointment/"))

    # Filter: pending, today.
    page.click('#changelist-filter details[data-filter-title="status"] a:text-is("Pending")')
    page.wait_for_url(re.compile(r"status__exact=pending"))
    page.click('#changelist-filter details[data-filter-title="day"] a:text-is("Today")')
    page.wait_for_url(re.compile(r"day=today"))
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert patient_name in rows.first.inner_text()

    # Confirm it with the action.
    rows.first.locator("input.action-select").check()
    page.select_option("select[name=action]", "confirm_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert "1 appointment(s) confirmed." in page.inner_text(".messagelist")

    # The API, on the same live server, shows it confirmed, with the receptionist in its history.
    request = urllib.request.Request(
        f"{live_server.url}/api/appointments/{todays.pk}",
        headers={"Authorization": f"Bearer {api_token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        appointment = json.load(response)["data"]["appointment"]
    assert appointment["status"] == "confirmed"
    assert appointment["statusHistory"][-1]["by"] == str(receptionist.pk)
