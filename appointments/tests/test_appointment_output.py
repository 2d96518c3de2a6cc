"""Lists write the appointment JSON as plain data (`appointment_output`); it must render byte for byte
as AppointmentOutputSerializer, and its reception variant as AppointmentReceptionOutputSerializer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange, PaymentMethod, PaymentStatus
from appointments.selectors.appointments import (
    AppointmentPages,
    appointment_history_and_files,
    appointments_in_tab,
    appointments_matching,
    appointments_mine,
    appointments_staff_list,
    appointments_with_details,
)
from appointments.serializers.output import (
    AppointmentOutputSerializer,
    AppointmentReceptionOutputSerializer,
    appointment_output,
)
from appointments.tests.factories import AppointmentFactory, DoctorFactory, FamilyMemberFactory
from arthomed.core.scope import appointment_scope
from conftest import rendered
from files.models import FileKind, StoredFile


@pytest.fixture
def varied(patient, receptionist):
    """One appointment of every kind the JSON distinguishes."""
    doctor = DoctorFactory(name="Dr Meera Rao", specialization="Arthroscopy", fee=650)
    no_profile_doctor = DoctorFactory(name="Dr No Profile")
    no_profile_doctor.doctor_profile.delete()
    patient.blood_group, patient.allergies, patient.date_of_birth = "B+", ["penicillin", "dust"], dt.date(1990, 5, 17)
    patient.save()
    member = FamilyMemberFactory(account=patient, name="Anu", allergies=["nuts"])
    now = timezone.now()
    rows = [
        AppointmentFactory(patient=patient, doctor=doctor),
        AppointmentFactory(patient=patient, doctor=doctor, family_member=member, symptoms="Fever\nand cough"),
        AppointmentFactory(
            patient=patient,
            doctor=doctor,
            status=AppointmentStatus.CANCELLED,
            cancellation_reason="Travelling",
            cancelled_by=patient,
            cancelled_at=now,
            refund_amount=Decimal("325.50"),
            refund_status="processed",
            refund_processed_at=now + dt.timedelta(hours=2),
            payment_status=PaymentStatus.PAID,
            payment_method=PaymentMethod.UPI,
            payment_amount=Decimal("650.00"),
            transaction_id="TX-1",
            receipt_number="ARTH/2026-27/000001",
            paid_at=now - dt.timedelta(days=1),
        ),
        AppointmentFactory(
            patient=patient,
            doctor=doctor,
            status=AppointmentStatus.COMPLETED,
            doctor_notes="Rest the knee",
            visit_summary={"diagnosis": "Sprain", "vitals": {"pulse": "72", "blood_pressure": "120/80"}},
            prescription="",
            prescription_details={
                "medicines": [{"name": "Ibuprofen", "dosage": "400 mg", "instructions": "after food"}],
                "advice": "Ice",
                "next_visit": "2 weeks",
            },
            follow_up_date=dt.date(2026, 12, 24),
            follow_up_note="Review",
            feedback_rating=4,
            feedback_comment="Kind doctor",
            feedback_submitted_at=now,
            confirmed_at=now - dt.timedelta(hours=3),
            completed_at=now - dt.timedelta(hours=1),
            patient_notes="First visit",
            receptionist_notes="Paid cash",
            payment_status=PaymentStatus.PAID,
            payment_method=PaymentMethod.CASH,
            payment_note="Extra dressing",
            paid_at=now,
            fee=Decimal("499.95"),
        ),
        AppointmentFactory(
            patient=patient, doctor=no_profile_doctor, kind="walk-in", token_number=7, checked_in_at=now
        ),
        AppointmentFactory(patient=patient, doctor=doctor, status=AppointmentStatus.REJECTED, prescription="Free text"),
    ]
    AppointmentStatusChange.objects.create(
        appointment=rows[2],
        from_status="pending",
        to_status="cancelled",
        changed_by=patient,
        changed_at=now,
        note="Bye",
    )
    AppointmentStatusChange.objects.create(
        appointment=rows[3], from_status="pending", to_status="confirmed", changed_by=receptionist, changed_at=now
    )
    for index, appointment in enumerate(rows[:2] * 2):
        StoredFile.objects.create(
            kind=FileKind.APPOINTMENT_REPORT,
            file=f"uploads/appointments/reports/2026/11/report-{index}.jpg",
            original_name=f"x-ray {index}.jpg",
            mime_type="image/jpeg",
            size=1234 + index,
            sha256="0" * 64,
            owner=patient,
            appointment=appointment,
        )
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("reception", [False, True])
def test_plain_appointment_renders_as_the_serializer(varied, reception):
    appointments = list(appointments_with_details().filter(pk__in=[a.pk for a in varied]).order_by("starts_at"))
    assert len(appointments) == len(varied)
    serializer_class = AppointmentReceptionOutputSerializer if reception else AppointmentOutputSerializer
    expected = rendered(serializer_class(appointments, many=True).data)
    history, files = appointment_history_and_files([a.pk for a in appointments])
    plain = [appointment_output(a, history=history[a.pk], files=files[a.pk], reception=reception) for a in appointments]
    assert rendered(plain) == expected
    assert sum(len(rows) for rows in files.values()) == 4
    assert b'"familyMember":{' in expected and b'"cancellation":{' in expected and b'"feedback":{' in expected


def page_bytes(appointments) -> bytes:
    history, files = appointment_history_and_files([a.pk for a in appointments])
    return rendered([appointment_output(a, history=history[a.pk], files=files[a.pk]) for a in appointments])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "narrow",
    [
        lambda qs: qs,
        lambda qs: appointments_in_tab(qs, tab="upcoming"),
        lambda qs: appointments_in_tab(qs, tab="cancelled"),
        lambda qs: appointments_in_tab(qs, tab="completed"),
        lambda qs: qs.filter(appointment_date__gte=dt.date(2000, 1, 1)),
        lambda qs: qs.order_by("starts_at", "pk"),
    ],
)
def test_a_page_read_by_its_own_statement_is_the_orms_page(varied, patient, narrow):
    """AppointmentPages writes the page statement itself around the ORM's WHERE: same rows, same order,
    same participants, same count as the ORM's `select_related` page."""
    queryset = narrow(appointments_mine(patient))
    pages = AppointmentPages(queryset)
    assert pages.order is not None  # the statement of its own, not the fallback
    for page in (slice(0, 3), slice(3, 6), slice(0, 100), slice(50, 60)):
        expected = list(queryset.prefetch_related(None)[page])
        assert [a.pk for a in pages[page]] == [a.pk for a in expected]
        assert page_bytes(pages[page]) == page_bytes(expected)
    assert pages.count() == queryset.count()


@pytest.mark.django_db
def test_a_page_of_another_shape_or_of_nothing_is_read_by_the_orm(varied, patient, receptionist):
    searched = appointments_matching(appointments_staff_list(receptionist), search=patient.name[:3])
    assert AppointmentPages(searched).order is None  # its filter joins the patient: the ORM reads it
    assert [a.pk for a in AppointmentPages(searched)[0:100]] == [a.pk for a in searched[0:100]]
    assert AppointmentPages(searched).count() == searched.count() > 0
    nothing = appointments_mine(receptionist)
    assert AppointmentPages(nothing)[0:10] == [] and AppointmentPages(nothing).count() == 0
    out_of_scope = Appointment.objects.filter(appointment_scope(None)).order_by("-starts_at")
    assert AppointmentPages(out_of_scope)[0:10] == [] and AppointmentPages(out_of_scope).count() == 0
    everything = appointments_staff_list(receptionist)  # staff: a WHERE that matches every row
    assert [a.pk for a in AppointmentPages(everything)[0:100]] == [a.pk for a in everything[0:100]]
    assert AppointmentPages(everything).count() == everything.count()
