"""The Today board in the admin (SPEC.md §10): who may open it, what it shows, its row actions through
the services (history, messages, reasons), its self-refresh fragment and its bounded query count."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appointments.models import AppointmentStatus as S
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, FamilyMemberFactory, clinic_dt
from arthomed import sms
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db

TODAY = "/admin/frontdesk/today/"
BOARD = "/admin/frontdesk/today/board/"


@pytest.fixture(autouse=True)
def monday_at_eight():
    with time_machine.travel(clinic_dt(MONDAY, 8), tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk(receptionist):
    return signed_in(receptionist)


@pytest.fixture
def arjun(db):
    return DoctorFactory(name="Dr Arjun Mehta", specialization="Arthroscopy", schedule=["monday 09:00-13:00"])


@pytest.fixture
def rahul(make_user):
    return make_user(
        name="Rahul Sharma",
        mobile_number="9876500001",
        profile={"date_of_birth": dt.date(1991, 6, 1), "gender": "male"},
    )


def act(client, appointment, action, **data):
    return client.post(f"/admin/frontdesk/appointment/{appointment.pk}/{action}/", data, follow=True)


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def logged(appointment) -> list[str]:
    return list(LogEntry.objects.filter(object_id=str(appointment.pk)).values_list("change_message", flat=True))


class TestWhoMayOpenIt:
    def test_the_desk_and_admins_open_the_board(self, desk, admin_user):
        assert desk.get(TODAY).status_code == 200
        assert signed_in(admin_user).get(TODAY).status_code == 200

    @pytest.mark.parametrize("role", [Role.DOCTOR, Role.PATIENT])
    @pytest.mark.parametrize(
        "url", [TODAY, BOARD, "/admin/frontdesk/book/", "/admin/frontdesk/walk-in/"], ids=lambda u: u
    )
    def test_doctors_and_patients_get_the_admins_403(self, make_user, role, url):
        response = signed_in(make_user(role)).get(url)
        assert response.status_code == 403
        assert "Traceback" not in response.content.decode() and 'id="container"' in response.content.decode()

    def test_anonymous_is_sent_to_the_login(self):
        response = Client().get(TODAY)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_an_action_by_a_doctor_changes_nothing(self, make_user, arjun, rahul):
        appointment = AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9))
        response = signed_in(make_user(Role.DOCTOR)).post(f"/admin/frontdesk/appointment/{appointment.pk}/confirm/")
        assert response.status_code == 403
        appointment.refresh_from_db()
        assert appointment.status == S.PENDING


class TestWhatItShows:
    def test_a_doctors_day_with_every_column(self, desk, arjun, rahul):
        child = FamilyMemberFactory(account=rahul, name="Priya Sharma", relation="child", gender="female")
        AppointmentFactory(
            patient=rahul,
            doctor=arjun,
            starts_at=clinic_dt(MONDAY, 9),
            status=S.CONFIRMED,
            purpose_of_visit="Knee pain",
        )
        AppointmentFactory(patient=rahul, family_member=child, doctor=arjun, starts_at=clinic_dt(MONDAY, 9, 30))
        AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9) + dt.timedelta(days=1))
        html = page(desk.get(TODAY))
        assert "Dr Arjun Mehta · Arthroscopy · 09:00\N{EN DASH}13:00" in html
        assert "Rahul Sharma (M, 34)" in html and "9876500001" in html and "Knee pain" in html
        assert "Priya Sharma (F, 10)" in html and "child of Rahul Sharma" in html
        assert "09:00" in html and "09:30" in html
        assert "Pending: 2" in html  # the pending list's count, linked
        assert "/admin/appointments/appointment/?status__exact=pending" in html
        assert "/admin/frontdesk/book/" in html and "/admin/frontdesk/walk-in/" in html
        assert html.count('id="row-') == 2  # today's two, not tomorrow's

    def test_the_date_picker_moves_the_day(self, desk, arjun, rahul):
        AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 10) + dt.timedelta(days=7))
        html = page(desk.get(TODAY, {"date": "2026-03-09"}))
        assert "Mon 09 Mar 2026" in html and "10:00" in html
        assert "?date=2026-03-08" in html and "?date=2026-03-10" in html  # ◀ ▶
        assert "Mon 02 Mar 2026" in page(desk.get(TODAY, {"date": "not-a-date"}))  # bad input: today

    def test_a_doctor_off_that_day_is_not_listed(self, desk, arjun):
        DoctorFactory(name="Dr Tuesday Only", schedule=["tuesday 09:00-13:00"])
        html = page(desk.get(TODAY))
        assert "Dr Arjun Mehta" in html and "Dr Tuesday Only" not in html

    def test_row_actions_follow_the_status(self, desk, arjun, rahul, make_user):
        pending = AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9))
        html = page(desk.get(TODAY))
        for action in ("confirm", "reject", "cancel", "reschedule"):
            assert f"/admin/frontdesk/appointment/{pending.pk}/{action}/" in html
        assert f"/admin/frontdesk/appointment/{pending.pk}/no-show/" not in html  # before the start

    def test_a_cancelled_paid_visit_shows_its_refund_owed_then_refunded(self, desk, arjun, rahul):
        paid = {"payment_status": "paid", "payment_method": "cash", "fee": "800.00"}
        owed = AppointmentFactory(
            patient=rahul,
            doctor=arjun,
            starts_at=clinic_dt(MONDAY, 9),
            status=S.CANCELLED,
            refund_status="pending",
            refund_amount="400.00",
            **paid,
        )
        html = page(desk.get(TODAY))
        assert 'href="/admin/frontdesk/refunds/" class="fd-refund">refund ₹400.00 owed</a>' in html
        owed.refund_status = "processed"
        owed.save(update_fields=["refund_status"])
        html = page(desk.get(TODAY))
        assert "refund ₹400.00 owed" not in html and "· refunded" in html

    def test_the_board_leads_to_refunds_and_the_day_close_and_they_lead_back(self, desk, arjun, rahul):
        AppointmentFactory(
            patient=rahul,
            doctor=arjun,
            starts_at=clinic_dt(MONDAY, 9),
            status=S.CANCELLED,
            payment_status="paid",
            refund_status="pending",
            refund_amount="400.00",
        )
        html = page(desk.get(TODAY))
        assert '<a id="fd-refunds" href="/admin/frontdesk/refunds/">Refunds owed: 1</a>' in html
        assert 'id="fd-day-close" href="/admin/frontdesk/day-close/"' in html
        assert 'href="/admin/frontdesk/day-close/?date=2026-03-09"' in page(desk.get(TODAY, {"date": "2026-03-09"}))
        for url in ("/admin/frontdesk/refunds/", "/admin/frontdesk/day-close/"):
            assert '&rsaquo; <a href="/admin/frontdesk/today/">Today</a> &rsaquo;' in page(desk.get(url))

    def test_the_page_refreshes_its_board_without_losing_a_form(self, desk):
        html = page(desk.get(TODAY))
        assert 'data-refresh-url="/admin/frontdesk/today/board/?date=2026-03-02"' in html
        assert 'data-refresh-seconds="30"' in html
        assert "setInterval" in html and "defaultValue" in html and "activeElement" in html

    def test_the_board_fragment_is_the_board_alone(self, desk, arjun, rahul):
        AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9))
        html = page(desk.get(BOARD, {"date": "2026-03-02"}))
        assert "Rahul Sharma" in html and "Dr Arjun Mehta" in html
        assert "<html" not in html and "setInterval" not in html
        assert "csrfmiddlewaretoken" in html  # its forms still post

    def test_the_query_count_does_not_grow_with_the_day(self, desk):
        def add_day(per_doctor: int) -> None:
            """Three doctors, `per_doctor` appointments each (10-minute slots, some for a family member)."""
            for _ in range(3):
                doctor = DoctorFactory(schedule=["monday 09:00-13:00"], slot_duration=10)
                for slot in range(per_doctor):
                    appointment = AppointmentFactory(
                        doctor=doctor,
                        duration=10,
                        starts_at=clinic_dt(MONDAY, 11) + dt.timedelta(minutes=10 * slot),
                        status=S.CONFIRMED if slot % 2 else S.PENDING,
                    )
                    if slot % 3 == 0:
                        appointment.family_member = FamilyMemberFactory(account=appointment.patient)
                        appointment.save()

        def board_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert desk.get(TODAY).status_code == 200
            return len(queries)

        add_day(1)
        small = board_queries()  # 3 appointments
        add_day(9)
        large = board_queries()  # 30 more, 6 doctors
        assert large == small
        assert large <= 15


class TestRowActions:
    """Each action calls the API's service, shows its refusal as a message and lands in the admin history."""

    @pytest.fixture
    def pending(self, arjun, rahul):
        return AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9))

    def test_confirm(self, desk, receptionist, pending, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            html = page(act(desk, pending, "confirm", next=f"{TODAY}?date=2026-03-02"))
        assert "Rahul Sharma, 09:00: Confirmed." in html
        pending.refresh_from_db()
        assert pending.status == S.CONFIRMED
        assert pending.status_history.last().changed_by_id == receptionist.pk
        assert logged(pending) == ["Confirmed"]
        assert LogEntry.objects.get().user_id == receptionist.pk
        assert [message.to for message in sms.outbox] == ["+919876500001"]  # as from the API

    def test_a_get_only_asks(self, desk, pending):
        step = page(desk.get(f"/admin/frontdesk/appointment/{pending.pk}/confirm/"))
        assert 'method="post"' in step and "Confirm: appointment" in step and "Rahul Sharma" in step
        pending.refresh_from_db()
        assert pending.status == S.PENDING and not logged(pending)

    @pytest.mark.parametrize(("action", "status"), [("reject", S.REJECTED), ("cancel", S.CANCELLED)])
    def test_reject_and_cancel_ask_for_a_reason_first(self, desk, pending, action, status):
        step = page(desk.get(f"/admin/frontdesk/appointment/{pending.pk}/{action}/"))
        assert 'name="reason"' in step and "Rahul Sharma" in step
        pending.refresh_from_db()
        assert pending.status == S.PENDING  # opening the step did nothing

        for empty in ({}, {"reason": "   "}):
            html = page(act(desk, pending, action, **empty))
            assert "A reason is required" in html
            pending.refresh_from_db()
            assert pending.status == S.PENDING and not logged(pending)

        act(desk, pending, action, reason="Doctor called away")
        pending.refresh_from_db()
        assert pending.status == status
        assert logged(pending) == [f"{action.title()}{'ed' if action == 'reject' else 'led'}: Doctor called away"]
        reason = pending.rejection_reason if action == "reject" else pending.cancellation_reason
        assert reason == "Doctor called away"

    def test_no_show_only_after_the_start_and_a_refusal_is_a_message(self, desk, arjun, rahul):
        confirmed = AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9), status=S.CONFIRMED)
        html = page(act(desk, confirmed, "no-show"))
        assert "This status change is not allowed" in html and "before-start" in html
        confirmed.refresh_from_db()
        assert confirmed.status == S.CONFIRMED and not logged(confirmed)
        with time_machine.travel(clinic_dt(MONDAY, 9, 20), tick=False):
            step_url = f"/admin/frontdesk/appointment/{confirmed.pk}/no-show/"
            assert f'href="{step_url}?next=' in page(desk.get(TODAY))  # a link to a step, not a one-click POST
            assert "Mark no-show: appointment" in page(desk.get(step_url))
            confirmed.refresh_from_db()
            assert confirmed.status == S.CONFIRMED
            act(desk, confirmed, "no-show")
        confirmed.refresh_from_db()
        assert confirmed.status == S.NO_SHOW and logged(confirmed) == ["Marked no-show"]

    def test_an_action_the_lifecycle_forbids_is_a_message_not_a_500(self, desk, arjun, rahul):
        done = AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9), status=S.COMPLETED)
        response = act(desk, done, "cancel", reason="Mistake")
        assert "This status change is not allowed" in page(response)
        done.refresh_from_db()
        assert done.status == S.COMPLETED

    def test_unknown_appointment_or_action_is_a_404(self, desk, pending):
        assert (
            desk.post("/admin/frontdesk/appointment/7c4b3b1e-0000-4000-8000-000000000000/confirm/").status_code == 404
        )
        assert desk.post(f"/admin/frontdesk/appointment/{pending.pk}/delete/").status_code == 404

    def test_reschedule_offers_the_free_slots_and_moves_through_the_service(self, desk, arjun, rahul, make_user):
        confirmed = AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9), status=S.CONFIRMED)
        AppointmentFactory(patient=make_user(), doctor=arjun, starts_at=clinic_dt(MONDAY, 10), status=S.CONFIRMED)
        step = page(desk.get(f"/admin/frontdesk/appointment/{confirmed.pk}/reschedule/"))
        assert 'value="09:30"' in step and 'value="12:30"' in step
        assert 'value="10:00"' not in step  # taken by someone else
        assert 'value="09:00"' in step  # its own slot is free to keep

        page(act(desk, confirmed, "reschedule", appointment_date="2026-03-02", appointment_time="11:00"))
        confirmed.refresh_from_db()
        assert confirmed.appointment_time == dt.time(11, 0)
        assert logged(confirmed) == ["Rescheduled to 2026-03-02 11:00"]

    def test_reschedule_to_a_taken_slot_is_a_message(self, desk, arjun, rahul, make_user):
        confirmed = AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9), status=S.CONFIRMED)
        AppointmentFactory(patient=make_user(), doctor=arjun, starts_at=clinic_dt(MONDAY, 10), status=S.CONFIRMED)
        html = page(act(desk, confirmed, "reschedule", appointment_date="2026-03-02", appointment_time="10:00"))
        assert "Selected time slot is not available (reason: taken)" in html
        confirmed.refresh_from_db()
        assert confirmed.appointment_time == dt.time(9, 0) and not logged(confirmed)

    def test_reschedule_without_a_slot_changes_nothing(self, desk, pending):
        html = page(act(desk, pending, "reschedule", appointment_date="2026-03-02"))
        assert "Choose one of the free slots." in html
        pending.refresh_from_db()
        assert pending.appointment_time == dt.time(9, 0)

    def test_a_foreign_next_is_not_followed(self, desk, pending):
        response = desk.post(f"/admin/frontdesk/appointment/{pending.pk}/confirm/", {"next": "https://evil.example/"})
        assert response["Location"] == f"{TODAY}?date=2026-03-02"


class TestAdminHome:
    def test_the_home_leads_the_desk_to_the_board(self, desk, admin_user):
        for client in (desk, signed_in(admin_user)):
            html = page(client.get("/admin/"))
            assert 'id="front-desk"' in html
            assert f'href="{TODAY}"' in html
            assert 'href="/admin/frontdesk/book/"' in html and 'href="/admin/frontdesk/walk-in/"' in html

    def test_the_home_tables_size_their_own_columns(self, desk):
        html = page(desk.get("/admin/"))
        assert ".dashboard #todays-queue table th" in html and "width:auto" in html


class TestQueueActions:
    """Check-in and the running-late delay, through the queue services (SPEC.md §12)."""

    def test_check_in_gives_a_token(self, desk, arjun, rahul):
        confirmed = AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9), status=S.CONFIRMED)
        assert f"/admin/frontdesk/appointment/{confirmed.pk}/check-in/" in page(desk.get(TODAY))
        html = page(act(desk, confirmed, "check-in"))
        confirmed.refresh_from_db()
        assert confirmed.token_number == 1 and confirmed.checked_in_at is not None
        assert "Checked in (token 1)" in html
        assert logged(confirmed) == ["Checked in (token 1)"]
        board = page(desk.get(TODAY))
        assert "#1" in board and "08:00" in board  # token and check-in time on the row
        assert f"/admin/frontdesk/appointment/{confirmed.pk}/check-in/" not in board

    def test_checking_in_twice_is_a_message(self, desk, arjun, rahul):
        confirmed = AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 9), status=S.CONFIRMED)
        act(desk, confirmed, "check-in")
        html = page(act(desk, confirmed, "check-in"))
        assert "This status change is not allowed" in html
        assert logged(confirmed) == ["Checked in (token 1)"]

    def test_the_delay_is_set_shown_and_logged(self, desk, arjun, rahul, django_capture_on_commit_callbacks):
        AppointmentFactory(patient=rahul, doctor=arjun, starts_at=clinic_dt(MONDAY, 11), status=S.CONFIRMED)
        with django_capture_on_commit_callbacks(execute=True):
            html = page(desk.post(f"/admin/frontdesk/doctor/{arjun.pk}/delay/", {"minutes": "20"}, follow=True))
        assert "running 20 min late" in html and "Dr Arjun Mehta: Running 20 min late." in html
        entry = LogEntry.objects.get(object_id=str(arjun.pk))
        assert entry.change_message == "Running 20 min late"
        assert [message.to for message in sms.outbox] == ["+919876500001"]

    @pytest.mark.parametrize("minutes", ["", "-5", "241", "abc"])
    def test_a_bad_delay_changes_nothing(self, desk, arjun, minutes):
        html = page(desk.post(f"/admin/frontdesk/doctor/{arjun.pk}/delay/", {"minutes": minutes}, follow=True))
        assert "Delay: enter whole minutes from 0 to 240." in html
        assert not LogEntry.objects.exists()


def test_a_staff_account_without_the_desk_permissions_gets_the_admins_403(receptionist):
    receptionist.groups.clear()  # out of the "Receptionists" group: staff, but may not act on appointments
    for url in (TODAY, BOARD, "/admin/frontdesk/book/"):
        response = signed_in(receptionist).get(url)
        assert response.status_code == 403
        assert "Your account may not open this page" in response.content.decode()
