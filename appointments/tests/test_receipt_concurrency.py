"""Concurrent payments share no receipt number and skip none (PostgreSQL row lock, SPEC.md §10)."""

import threading

import pytest
from django.db import connection

from appointments.models import AppointmentStatus, PaymentStatus, ReceiptCounter
from appointments.services.lifecycle import appointment_payment_record
from appointments.tests.factories import AppointmentFactory, DoctorFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAYMENTS = 12


def test_concurrent_payments_get_distinct_consecutive_numbers():
    receptionist = UserFactory(role="receptionist", name="Rita Reception")
    doctor = DoctorFactory(name="Dr Race")
    appointments = [AppointmentFactory(doctor=doctor, status=AppointmentStatus.CONFIRMED) for _ in range(PAYMENTS)]
    barrier = threading.Barrier(PAYMENTS, timeout=30)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def pay(appointment):
        try:
            barrier.wait()
            paid = appointment_payment_record(
                appointment=appointment, actor=receptionist, status=PaymentStatus.PAID, method="cash"
            )
            with lock:
                numbers.append(paid.receipt_number)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(appointment,)) for appointment in appointments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(set(numbers)) == PAYMENTS
    # Every payment is in the same (first) financial year: the counter row was created once, in a race.
    assert sorted(int(number.rsplit("/", 1)[1]) for number in numbers) == list(range(1, PAYMENTS + 1))
    assert ReceiptCounter.objects.get().last_number == PAYMENTS
