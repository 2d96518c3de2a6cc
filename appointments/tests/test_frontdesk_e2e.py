"""The front desk in a real headless Chromium at 1366x768 (SPEC.md §10): every page fits without
horizontal scrolling, and the Today board refreshes itself without losing a half-filled form.

Screenshots go to bench/results/frontdesk/ (CI artifacts, not committed). Debian's `chromium` is
driven by Playwright's Python API through `executable_path`, as in test_admin_console_e2e.
"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from appointments.frontdesk import today as today_module
from appointments.models import AppointmentStatus as S
from appointments.models import DoctorDay
from appointments.tests.browser import BROWSER_TEST, SHOTS, TIMEOUT_MS, chromium
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, FamilyMemberFactory, clinic_dt

pytestmark = BROWSER_TEST

NAMES = [
    ("Rahul Sharma", "male", 1991),
    ("Priya Menon", "female", 1985),
    ("Vikram Singh Rathore", "male", 1973),
    ("Asha Rao", "female", 1964),
    ("Mohammed Abdul Rahman", "male", 1990),
    ("Lakshmi Venkataraman", "female", 1958),
    ("Karan Malhotra", "male", 2001),
    ("Sneha Kulkarni", "female", 1995),
]


@pytest.fixture
def clinic_day(make_user):
    """A busy Monday: three doctors, every status, family members, a walk-in, a delay."""
    doctors = [
        DoctorFactory(name="Dr Arjun Mehta", specialization="Arthroscopy", schedule=["monday 09:00-13:00"]),
        DoctorFactory(
            name="Dr Kavya Iyer",
            specialization="Sports Medicine",
            schedule=["monday 09:00-12:00", "monday 16:00-19:00"],
        ),
        DoctorFactory(name="Dr Neel Banerjee", specialization="Joint Replacement", schedule=["monday 10:00-14:00"]),
    ]
    statuses = [S.IN_PROGRESS, S.CONFIRMED, S.CONFIRMED, S.PENDING, S.CONFIRMED, S.CANCELLED, S.PENDING, S.COMPLETED]
    mobile = 9876500100
    for d_index, doctor in enumerate(doctors):
        for index, (name, gender, year) in enumerate(NAMES):
            mobile += 1
            patient = make_user(
                name=name,
                mobile_number=str(mobile),
                profile={"date_of_birth": dt.date(year, 5, 1), "gender": gender},
            )
            member = None
            if index in (1, 4):
                member = FamilyMemberFactory(account=patient, name=f"{name.split()[0]} Junior", relation="child")
            status = statuses[(index + d_index) % len(statuses)]
            start = clinic_dt(MONDAY, 10 if doctor.name == "Dr Neel Banerjee" else 9) + dt.timedelta(minutes=30 * index)
            appointment = AppointmentFactory(
                patient=patient,
                family_member=member,
                doctor=doctor,
                starts_at=start,
                status=status,
                purpose_of_visit=["Knee pain", "Follow-up", "consultation", "Back pain"][index % 4],
                payment_status="paid" if status in (S.COMPLETED, S.IN_PROGRESS) else "pending",
                payment_method="upi" if status in (S.COMPLETED, S.IN_PROGRESS) else "",
            )
            if status in (S.IN_PROGRESS, S.COMPLETED) or (status == S.CONFIRMED and index < 3):
                appointment.checked_in_at = start - dt.timedelta(minutes=12)
                appointment.token_number = index + 1
                appointment.save()
    DoctorDay.objects.create(doctor=doctors[0], date=MONDAY, delay_minutes=20, delay_note="Surgery ran over")
    return doctors


@pytest.fixture
def desk_cookie(receptionist) -> dict:
    client = Client()
    client.force_login(receptionist)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}


@pytest.fixture
def browser_page(live_server, desk_cookie):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.add_cookies([{**desk_cookie, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page


def fits(page) -> bool:
    """No horizontal scrolling: neither the page nor the change list's own scrolling box."""
    return page.evaluate(
        "[document.documentElement, ...document.querySelectorAll('.results')]"
        ".every(box => box.scrollWidth <= box.clientWidth)"
    )


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_every_front_desk_page_fits_1366_wide(live_server, clinic_day, browser_page):
    page = browser_page
    with time_machine.travel(clinic_dt(MONDAY, 10, 5), tick=True):
        pages = {
            "admin-home": "/admin/",
            "today": "/admin/frontdesk/today/?date=2026-03-02",
            "book-search": "/admin/frontdesk/book/?q=98765",
            "walk-in": "/admin/frontdesk/walk-in/",
            "appointments": "/admin/appointments/appointment/",
        }
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            shoot(page, name)
            assert fits(page), name
        # Through the board's links: a booking's next steps, a reason step, the reschedule step, a change page.
        page.goto(f"{live_server.url}/admin/frontdesk/book/?q=Rahul")
        page.click("#fd-matches a.fd-button >> nth=0")
        page.select_option("select[name=doctor]", label="Dr Kavya Iyer · Sports Medicine")
        page.click("text=Show free slots")
        shoot(page, "book-slots")
        assert fits(page) and page.locator("#fd-slots input").count() > 3
        page.goto(f"{live_server.url}/admin/frontdesk/today/?date=2026-03-02")
        page.click("a.fd-button:text-is('Cancel…') >> nth=0")
        shoot(page, "cancel-reason")
        assert fits(page) and page.locator("textarea[name=reason]").count() == 1
        page.goto(f"{live_server.url}/admin/frontdesk/today/?date=2026-03-02")
        page.click("a.fd-button:text-is('Reschedule…') >> nth=0")
        shoot(page, "reschedule")
        assert fits(page)
        page.goto(f"{live_server.url}/admin/appointments/appointment/")
        page.click("#result_list tbody tr th a >> nth=0")
        shoot(page, "appointment-change")
        assert fits(page)


def test_the_board_refreshes_but_keeps_a_half_filled_form(live_server, clinic_day, browser_page, monkeypatch):
    monkeypatch.setattr(today_module, "REFRESH_SECONDS", 1)
    page = browser_page
    with time_machine.travel(clinic_dt(MONDAY, 10, 5), tick=True):
        page.goto(f"{live_server.url}/admin/frontdesk/today/?date=2026-03-02")
        page.evaluate("document.querySelector('#fd-board .fd-head').setAttribute('data-mark', 'old')")
        # Waited for in Python: the page's CSP forbids the eval that wait_for_function uses.
        page.wait_for_timeout(2500)
        assert page.locator("#fd-board .fd-head[data-mark]").count() == 0  # swapped for a fresh board

        minutes = page.locator("#fd-board input[name=minutes] >> nth=0")
        minutes.fill("35")
        page.locator("body").click(position={"x": 5, "y": 5})  # the field is no longer focused, but changed
        page.evaluate("document.querySelector('#fd-board .fd-head').setAttribute('data-mark', 'kept')")
        page.wait_for_timeout(2500)
        assert page.locator("#fd-board .fd-head[data-mark=kept]").count() == 1
        assert minutes.input_value() == "35"
