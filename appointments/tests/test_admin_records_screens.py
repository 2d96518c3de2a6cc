"""The records and schedule pages in a real headless Chromium at 1366x768: each fits the width
(no horizontal scrolling) and is saved as a screenshot under bench/results/frontdesk/records-*.png.

Same browser setup as test_admin_console_e2e.py (Debian's chromium driven by Playwright).
"""

import datetime as dt

from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import DoctorLeave, User
from accounts.services.leaves import doctor_leave_create
from appointments.models import AppointmentStatus, PaymentStatus
from appointments.tests.browser import BROWSER_TEST, SHOTS, TIMEOUT_MS, chromium
from appointments.tests.factories import AppointmentFactory, DoctorFactory, FamilyMemberFactory, clinic_dt
from arthomed.core.roles import Role

pytestmark = BROWSER_TEST
WIDTH, HEIGHT = 1366, 768


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def browser_for(browser, live_server, cookie: str):
    """A 1366x768 page signed in with the session `cookie` (no SMS round trip)."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def shoot(page, url: str, name: str) -> str:
    page.goto(url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"records-{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
    return page.content()


def test_records_pages_fit_1366(live_server, make_user, receptionist, admin_user):
    doctor = DoctorFactory(name="Dr Arjun Mehta", schedule=["monday 09:00-13:00", "monday 16:00-19:00"])
    patient = make_user(Role.PATIENT, name="Priya Menon")
    User.objects.filter(pk=patient.pk).update(
        date_of_birth=dt.date(1990, 5, 1),
        gender="female",
        address={"street": "12 MG Road", "city": "Pune", "state": "Maharashtra", "pincode": "411001"},
        emergency_contact={"name": "Ravi Menon", "relationship": "Husband", "mobile_number": "9876500001"},
    )
    child = FamilyMemberFactory(account=patient, name="Anu Menon", relation="child")
    day = timezone.localdate() + dt.timedelta(days=7)
    AppointmentFactory(
        patient=patient,
        doctor=doctor,
        starts_at=clinic_dt(day, 9),
        status=AppointmentStatus.CONFIRMED,
        payment_status=PaymentStatus.PAID,
        payment_method="upi",
    )
    AppointmentFactory(patient=patient, doctor=doctor, family_member=child, starts_at=clinic_dt(day, 16, 30))
    leave = doctor_leave_create(actor=receptionist, doctor=doctor, date=day, reason="emergency", note="Conference")
    base = live_server.url

    # Every query is made before the browser starts: Playwright's loop makes Django refuse them after.
    cookies = {who: session_cookie(user) for who, user in (("desk", receptionist), ("admin", admin_user))}
    cookies["doctor"] = session_cookie(make_user(Role.DOCTOR))

    with chromium() as browser:
        desk = browser_for(browser, live_server, cookies["desk"])
        page = shoot(desk, f"{base}/admin/accounts/user/{patient.pk}/change/", "patient-receptionist")
        assert "16:30" in page and "Anu Menon (child)" in page
        shoot(desk, f"{base}/admin/accounts/user/{doctor.pk}/change/", "doctor-week")
        shoot(desk, f"{base}/admin/accounts/doctorleave/add/?doctor={doctor.pk}", "leave-add")
        page = shoot(desk, f"{base}/admin/accounts/doctorleave/{leave.pk}/bookings/", "leave-bookings")
        assert "Cancel these 2 bookings and tell the patients" in page
        shoot(desk, f"{base}/admin/accounts/doctorleave/", "leave-list")
        shoot(desk, f"{base}/admin/accounts/familymember/", "family-members")
        shoot(desk, f"{base}/admin/auth/group/", "403-receptionist")
        admin_page = browser_for(browser, live_server, cookies["admin"])
        shoot(admin_page, f"{base}/admin/accounts/user/{patient.pk}/change/", "patient-admin")
        shoot(browser_for(browser, live_server, cookies["doctor"]), f"{base}/admin/", "403-doctor")
    assert DoctorLeave.objects.count() == 1
