"""Book in the admin (SPEC.md §10, §11): find or register the patient, choose the person, book a free
slot through `appointment_book` — confirmed, the SMS sent, the admin history written."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, LogEntry
from django.test import Client

from accounts.models import FamilyMember, User
from appointments.models import Appointment
from appointments.models import AppointmentStatus as S
from appointments.tests.factories import (
    MONDAY,
    SUNDAY,
    AppointmentFactory,
    DoctorFactory,
    FamilyMemberFactory,
    clinic_dt,
)
from arthomed import sms

pytestmark = pytest.mark.django_db

BOOK = "/admin/frontdesk/book/"


@pytest.fixture(autouse=True)
def sunday_at_ten():
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
        yield


@pytest.fixture
def desk(receptionist):
    client = Client()
    client.force_login(receptionist)
    return client


@pytest.fixture
def arjun(db):
    return DoctorFactory(name="Dr Arjun Mehta", specialization="Arthroscopy", schedule=["monday 09:00-13:00"])


@pytest.fixture
def kumar(make_user):
    return make_user(name="Ravi Kumar", mobile_number="9811122233")


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def book_step(client, query: str, doctor, *, at: str = "09:30", day: str = "2026-03-02", **extra):
    data = {
        "step": "book",
        "book-doctor": str(doctor.pk),
        "book-appointment_date": day,
        "book-appointment_time": at,
        "book-purpose_of_visit": "Knee pain",
        "book-reason": "Swelling after a fall",
        **extra,
    }
    return client.post(f"{BOOK}?{query}", data)


class TestFindThePatient:
    def test_by_mobile_number_or_name_with_their_family(self, desk, kumar):
        FamilyMemberFactory(account=kumar, name="Anya Kumar", relation="child")
        for search in ("98111", "ravi"):
            html = page(desk.get(BOOK, {"q": search}))
            assert "Ravi Kumar" in html and "9811122233" in html and "Anya Kumar" in html
            assert f"?patient={kumar.pk}" in html
        assert "Nobody found" in page(desk.get(BOOK, {"q": "nobody-like-this"}))

    def test_staff_accounts_are_not_offered(self, desk, receptionist):
        html = page(desk.get(BOOK, {"q": receptionist.mobile_number}))
        assert f"?patient={receptionist.pk}" not in html and "Nobody found" in html


class TestBookAPhoneCaller:
    def test_a_new_patient_is_registered_and_booked_confirmed_with_the_sms(
        self, desk, receptionist, arjun, django_capture_on_commit_callbacks
    ):
        registered = desk.post(
            BOOK,
            {
                "step": "register",
                "register-name": "Meera Iyer",
                "register-mobile_number": "9822233344",
                "register-age": "41",
                "register-gender": "female",
            },
        )
        meera = User.objects.get(mobile_number="9822233344")
        assert (meera.name, meera.role, meera.gender) == ("Meera Iyer", "patient", "female")
        assert meera.date_of_birth.year in (1984, 1985)
        assert registered.status_code == 302 and registered["Location"] == f"{BOOK}?patient={meera.pk}"
        assert LogEntry.objects.get(object_id=str(meera.pk)).action_flag == ADDITION

        html = page(desk.get(BOOK, {"patient": str(meera.pk), "doctor": str(arjun.pk), "date": "2026-03-02"}))
        assert 'value="09:00"' in html and 'value="12:30"' in html

        with django_capture_on_commit_callbacks(execute=True):
            response = book_step(desk, f"patient={meera.pk}", arjun)
        assert response.status_code == 302 and response["Location"].endswith("?date=2026-03-02")
        appointment = Appointment.objects.get(patient=meera)
        assert (appointment.status, appointment.appointment_time, appointment.family_member) == (
            S.CONFIRMED,
            dt.time(9, 30),
            None,
        )
        assert (appointment.purpose_of_visit, appointment.reason) == ("Knee pain", "Swelling after a fall")
        assert appointment.booked_by == receptionist
        assert [message.to for message in sms.outbox] == ["+919822233344"]
        entry = LogEntry.objects.get(object_id=str(appointment.pk))
        assert entry.change_message == "Booked for Meera Iyer: 2026-03-02 09:30"

    def test_registering_a_taken_number_is_a_message(self, desk, kumar):
        html = page(
            desk.post(
                BOOK,
                {
                    "step": "register",
                    "register-name": "Someone Else",
                    "register-mobile_number": kumar.mobile_number,
                    "register-age": "30",
                    "register-gender": "male",
                },
                follow=True,
            )
        )
        assert "already exists" in html
        assert User.objects.filter(mobile_number=kumar.mobile_number).count() == 1

    def test_registering_needs_a_birth_date_or_an_age(self, desk):
        data = {"step": "register", "register-name": "No Age", "register-mobile_number": "9822200000"}
        html = page(desk.post(BOOK, {**data, "register-gender": "male"}))
        assert "Give a date of birth or an age." in html
        assert not User.objects.filter(mobile_number="9822200000").exists()

    def test_for_a_family_member(self, desk, kumar, arjun, django_capture_on_commit_callbacks):
        anya = FamilyMemberFactory(account=kumar, name="Anya Kumar", relation="child")
        html = page(desk.get(BOOK, {"patient": str(kumar.pk), "member": str(anya.pk)}))
        assert "▶ Anya Kumar" in html
        with django_capture_on_commit_callbacks(execute=True):
            book_step(desk, f"patient={kumar.pk}&member={anya.pk}", arjun)
        appointment = Appointment.objects.get(patient=kumar)
        assert appointment.family_member == anya
        assert [message.to for message in sms.outbox] == ["+919811122233"]  # the holder is told
        assert "for Anya Kumar" in sms.outbox[0].body

    def test_a_new_family_member_is_added_on_the_way(self, desk, kumar):
        response = desk.post(
            f"{BOOK}?patient={kumar.pk}",
            {
                "step": "member",
                "member-name": "Dev Kumar",
                "member-relation": "parent",
                "member-age": "70",
                "member-gender": "male",
            },
        )
        dev = FamilyMember.objects.get(account=kumar, name="Dev Kumar")
        assert dev.date_of_birth_estimated and dev.relation == "parent"
        assert response["Location"] == f"{BOOK}?patient={kumar.pk}&member={dev.pk}"
        entries = LogEntry.objects.filter(object_id=str(kumar.pk)).values_list("change_message", flat=True)
        assert list(entries) == ["Family member added: Dev Kumar"]

    def test_a_taken_slot_is_a_message_not_a_500(self, desk, kumar, arjun, make_user):
        AppointmentFactory(patient=make_user(), doctor=arjun, starts_at=clinic_dt(MONDAY, 9, 30), status=S.CONFIRMED)
        response = book_step(desk, f"patient={kumar.pk}", arjun)
        html = page(response)
        assert "Selected time slot is not available (reason: taken)" in html
        assert not Appointment.objects.filter(patient=kumar).exists()
        assert not LogEntry.objects.exists()

    def test_a_booking_without_a_slot_books_nothing(self, desk, kumar, arjun):
        html = page(book_step(desk, f"patient={kumar.pk}", arjun, at=""))
        assert "Choose a date and one of its free slots." in html
        assert not Appointment.objects.exists()

    def test_staff_see_slots_inside_the_minimum_notice(self, desk, kumar, arjun):
        with time_machine.travel(clinic_dt(MONDAY, 9, 40), tick=False):
            html = page(desk.get(BOOK, {"patient": str(kumar.pk), "doctor": str(arjun.pk), "date": "2026-03-02"}))
        assert 'value="10:00"' in html  # 20 minutes ahead: inside BOOKING_MIN_NOTICE_MINUTES
        assert 'value="09:30"' not in html  # started: never the past


class TestWalkIn:
    WALK_IN = "/admin/frontdesk/walk-in/"

    def walk_in(self, client, patient, doctor, member=None):
        query = f"patient={patient.pk}" + (f"&member={member.pk}" if member else "")
        data = {"step": "book", "book-doctor": str(doctor.pk), "book-purpose_of_visit": "Back pain"}
        return client.post(f"{self.WALK_IN}?{query}", data)

    def test_a_walk_in_gets_the_next_free_slot_checked_in_with_a_token(self, desk, kumar, arjun):
        with time_machine.travel(clinic_dt(MONDAY, 9, 40), tick=False):
            response = self.walk_in(desk, kumar, arjun)
            assert response.status_code == 302
            appointment = Appointment.objects.get(patient=kumar)
            assert (appointment.status, appointment.appointment_date) == (S.CONFIRMED, MONDAY)
            assert appointment.appointment_time == dt.time(10, 0)  # inside the minimum notice: staff may
            assert appointment.token_number == 1 and appointment.checked_in_at is not None
            entry = LogEntry.objects.get(object_id=str(appointment.pk))
            assert entry.change_message == "Walk-in added for Ravi Kumar: 2026-03-02 10:00, token 1"

    def test_a_full_day_gives_an_extra_walk_in_place(self, desk, kumar, arjun, make_user):
        with time_machine.travel(clinic_dt(MONDAY, 12, 10), tick=False):
            AppointmentFactory(
                patient=make_user(), doctor=arjun, starts_at=clinic_dt(MONDAY, 12, 30), status=S.CONFIRMED
            )
            self.walk_in(desk, kumar, arjun)
            appointment = Appointment.objects.get(patient=kumar)
            assert appointment.kind == "walk-in" and appointment.appointment_time == dt.time(12, 10)

    def test_a_walk_in_for_a_family_member(self, desk, kumar, arjun):
        anya = FamilyMemberFactory(account=kumar, name="Anya Kumar", relation="child")
        with time_machine.travel(clinic_dt(MONDAY, 9, 40), tick=False):
            self.walk_in(desk, kumar, arjun, member=anya)
        assert Appointment.objects.get(patient=kumar).family_member == anya

    def test_a_doctor_off_today_is_a_message(self, desk, kumar, arjun):
        html = page(self.walk_in(desk, kumar, arjun))  # Sunday: Dr Arjun works Mondays
        assert "Selected time slot is not available (reason: day-off)" in html
        assert not Appointment.objects.exists()

    def test_book_a_slot_inside_the_minimum_notice(self, desk, kumar, arjun):
        with time_machine.travel(clinic_dt(MONDAY, 9, 40), tick=False):
            book_step(desk, f"patient={kumar.pk}", arjun, at="10:00")
        assert Appointment.objects.get(patient=kumar).appointment_time == dt.time(10, 0)
