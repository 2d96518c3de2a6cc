"""The Django admin home: headline numbers for admins, today's queue for receptionists."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from appointments.models import AppointmentStatus, PaymentStatus
from appointments.tests.factories import AppointmentFactory, clinic_dt
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db
NOW = clinic_dt(dt.date(2026, 3, 16), 11)


@pytest.fixture
def today_visits(doctor, patient, make_user):
    AppointmentFactory(
        patient=patient,
        doctor=doctor,
        starts_at=clinic_dt(dt.date(2026, 3, 16), 9),
        status=AppointmentStatus.COMPLETED,
        payment_status=PaymentStatus.PAID,
        payment_amount=Decimal("650.00"),
        paid_at=clinic_dt(dt.date(2026, 3, 16), 9, 40),
    )
    AppointmentFactory(
        patient=make_user(Role.PATIENT, name="Queue Walker"),
        doctor=doctor,
        starts_at=clinic_dt(dt.date(2026, 3, 16), 12),
        status=AppointmentStatus.PENDING,
    )


def admin_home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_admin_sees_headline_numbers(admin_user, today_visits):
    page = admin_home(admin_user)
    assert 'id="clinic-numbers"' in page
    assert "₹650" in page  # revenue today
    assert "Dev Doctor" in page  # top doctors
    assert 'id="todays-queue"' not in page


@time_machine.travel(NOW, tick=False)
def test_receptionist_sees_todays_queue(receptionist, today_visits):
    page = admin_home(receptionist)
    assert 'id="todays-queue"' in page
    assert "Queue Walker" in page
    assert "1 booking waits for confirmation" in page
    assert "12:00" in page
    assert 'id="clinic-numbers"' not in page  # revenue is for admins


def test_doctors_do_not_get_the_admin(doctor):
    client = Client()
    client.force_login(doctor)
    # Signed in but not staff: the admin's styled 403, not the home page (arthomed/tests/test_admin_access.py).
    response = client.get("/admin/")
    assert response.status_code == 403
    assert 'id="todays-queue"' not in response.content.decode()


def test_the_admin_greets_staff_by_first_name_not_by_mobile_number(make_user):
    receptionist = make_user(Role.RECEPTIONIST, name="Rita Reception")
    page = admin_home(receptionist)
    assert "Rita" in page.split('id="user-tools"', 1)[1].split("</div>", 1)[0]
    assert receptionist.mobile_number not in page.split('id="user-tools"', 1)[1].split("</div>", 1)[0]
