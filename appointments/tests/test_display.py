"""The waiting-room display (SPEC.md §12): opened with the display key only, tokens and first names only."""

import re

import pytest
import time_machine

from accounts.models import DoctorLeave
from appointments.models import AppointmentStatus
from appointments.services.lifecycle import appointment_status_update
from appointments.services.queue import appointment_check_in, doctor_delay_set
from appointments.tests.factories import (
    MONDAY,
    AppointmentFactory,
    DoctorFactory,
    FamilyMemberFactory,
    UserFactory,
    clinic_dt,
)

pytestmark = pytest.mark.django_db

KEY = "tv-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def display_key(settings):
    settings.DISPLAY_KEY = KEY
    settings.CHECK_IN_OPENS_MINUTES = 240


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(clinic_dt(MONDAY, 9, 5), tick=False):
        yield


def checked_in(doctor, desk, hour, minute, name, **fields):
    appointment = AppointmentFactory(
        doctor=doctor,
        patient=UserFactory(name=name),
        starts_at=clinic_dt(MONDAY, hour, minute),
        status=AppointmentStatus.CONFIRMED,
        purpose_of_visit="Knee replacement review",
        **fields,
    )
    return appointment_check_in(actor=desk, appointment=appointment)


@pytest.fixture
def morning(receptionist):
    doctor = DoctorFactory(name="Dr Arjun Mehta", specialization="Arthroscopy", schedule=["monday 09:00-13:00"])
    seen = checked_in(doctor, receptionist, 9, 0, "Rahul Sharma")
    appointment_status_update(appointment=seen, actor=doctor, status=AppointmentStatus.IN_PROGRESS)
    waiting = [
        checked_in(doctor, receptionist, 9, 30, "Priya Menon"),
        checked_in(doctor, receptionist, 10, 0, "Vikram Singh"),
        checked_in(doctor, receptionist, 10, 30, "Meera Iyer"),
        checked_in(doctor, receptionist, 11, 0, "Kiran Das"),  # the fourth waiting: not shown
    ]
    holder = UserFactory(name="Suresh Rao")
    child = FamilyMemberFactory(account=holder, name="Asha Rao")
    appointment_check_in(
        actor=receptionist,
        appointment=AppointmentFactory(
            doctor=DoctorFactory(name="Dr Kavya Iyer", schedule=["monday 09:00-13:00"]),
            patient=holder,
            family_member=child,
            starts_at=clinic_dt(MONDAY, 9, 30),
            status=AppointmentStatus.CONFIRMED,
        ),
    )
    DoctorFactory(name="Dr Tuesday Only", schedule=["tuesday 09:00-13:00"])
    on_leave = DoctorFactory(name="Dr On Leave", schedule=["monday 09:00-13:00"])
    DoctorLeave.objects.create(doctor=on_leave, date=MONDAY)
    return doctor, seen, waiting


def page(client, key=KEY):
    return client.get("/display/", {"key": key} if key is not None else {})


@pytest.mark.usefixtures("morning")
def test_tokens_and_first_names_per_doctor_working_today(client):
    response = page(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Dr Arjun Mehta" in text and "Dr Kavya Iyer" in text
    assert "Dr Tuesday Only" not in text and "Dr On Leave" not in text
    assert "#1 Rahul" in text  # in consultation
    assert "#2 Priya #3 Vikram #4 Meera" in text  # the next three in queue order
    assert "Kiran" not in text and "#5" not in text
    assert "Asha" in text  # a family member by their own first name


def test_no_surname_mobile_number_or_purpose_leaks(client, morning):
    _doctor, seen, waiting = morning
    html = page(client).content.decode()
    for surname in ("Sharma", "Menon", "Singh", "Das", "Suresh"):
        assert surname not in html
    for appointment in (seen, *waiting):
        assert appointment.patient.mobile_number not in html
    assert "Knee" not in html and "review" not in html


def test_it_refreshes_itself_and_is_never_cached(client, morning):
    response = page(client)
    refresh = re.search(r'<meta http-equiv="refresh" content="(\d+)">', response.content.decode())
    assert refresh and 0 < int(refresh.group(1)) <= 30
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("key", [None, "", "wrong", KEY + "x", KEY[:-1]])
def test_a_wrong_or_missing_key_is_refused(client, morning, key):
    response = page(client, key)
    assert response.status_code == 404
    assert "Rahul" not in response.content.decode()


@pytest.mark.parametrize("key", ["", "anything"])
def test_no_configured_key_means_no_page(client, settings, morning, key):
    settings.DISPLAY_KEY = ""
    assert page(client, key).status_code == 404


def test_only_get(client):
    assert client.post(f"/display/?key={KEY}").status_code == 405


def test_a_fixed_number_of_queries(client, morning, receptionist, django_assert_max_num_queries):
    doctor = morning[0]
    with django_assert_max_num_queries(6):
        page(client)
    for minute in (30, 40, 50):
        checked_in(doctor, receptionist, 11, minute, f"Extra{minute} Person", duration=10)
    with django_assert_max_num_queries(6):
        assert page(client).status_code == 200


def test_the_room_sees_a_doctor_running_late(client, morning, receptionist):
    doctor = morning[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(client).content.decode()))
    assert "min late" not in text
    doctor_delay_set(actor=receptionist, doctor=doctor, minutes=20, note="Surgery ran over")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(client).content.decode()))
    arjun, kavya = text.split("Dr Kavya Iyer")
    assert "Running about 20 min late" in arjun and "min late" not in kavya
    assert "Surgery" not in text  # the staff's note stays at the desk
