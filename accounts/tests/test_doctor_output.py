"""The doctor directory writes its items as plain data; they must render byte for byte as
DoctorPublicOutputSerializer does."""

from decimal import Decimal

import pytest

from accounts.models import ScheduleBlock
from accounts.selectors.people import doctor_get, doctor_schedules
from accounts.serializers.people import DoctorPublicOutputSerializer, doctor_public_output
from appointments.tests.factories import DoctorFactory
from arthomed.api.renderers import EnvelopeJSONRenderer
from files.models import FileKind, StoredFile


def rendered(data) -> bytes:
    return EnvelopeJSONRenderer().render({"success": True, "message": "", "data": data, "timestamp": "t"})


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["plain", "avatar-and-rating", "no-schedule", "odd-values"])
def test_plain_doctor_renders_as_the_serializer(case):
    schedule = ["wednesday 16:00-19:00", "monday 09:00-13:00", "monday 07:30-08:15", "sunday 10:00-12:00"]
    doctor = DoctorFactory(name="Dr Meera Rao", specialization="Arthroscopy", fee=500, schedule=schedule)
    profile = doctor.doctor_profile
    if case == "avatar-and-rating":
        avatar = StoredFile.objects.create(
            kind=FileKind.values[0], file="uploads/a.png", mime_type="image/png", size=1, sha256="0" * 64, owner=doctor
        )
        doctor.avatar = avatar
        doctor.gender = "female"
        doctor.save()
        profile.rating, profile.rating_count, profile.experience = Decimal("4.67"), 3, 12
        profile.qualification, profile.about, profile.registration_number = "MS (Ortho)", "Knees.\nAnd hips.", "KMC-1"
        profile.save()
        ScheduleBlock.objects.filter(doctor=doctor, day="monday", start_time="07:30").update(is_available=False)
    elif case == "no-schedule":
        ScheduleBlock.objects.filter(doctor=doctor).delete()
    elif case == "odd-values":
        profile.consultation_fee, profile.rating = Decimal("499.95"), Decimal("0.10")
        profile.about = 'Quotes " and unicode: ಕನ್ನಡ'
        profile.save()
    doctor = doctor_get(doctor.pk)
    expected = rendered(DoctorPublicOutputSerializer(doctor).data)
    assert rendered(doctor_public_output(doctor, doctor_schedules([doctor.pk])[doctor.pk])) == expected
