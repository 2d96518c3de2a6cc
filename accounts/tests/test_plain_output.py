"""The doctor directory and `me` write their answers as plain data; they must render byte for byte as
DoctorPublicOutputSerializer and UserOutputSerializer do."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import ScheduleBlock
from accounts.selectors.people import doctor_directory, doctor_get, doctor_schedules, user_get, user_with_details
from accounts.serializers.people import (
    DoctorPublicOutputSerializer,
    UserOutputSerializer,
    doctor_public_output,
    user_output,
)
from appointments.tests.factories import DoctorFactory
from conftest import rendered
from files.models import FileKind, StoredFile


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


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["patient", "doctor", "receptionist", "admin", "patient-full"])
def test_plain_user_renders_as_the_serializer(role, make_user):
    if role == "doctor":
        user = DoctorFactory(name="Dr Meera Rao", specialization="Arthroscopy", schedule=["monday 09:00-13:00"])
    else:
        user = make_user(role.split("-")[0])
    if role == "patient-full":
        avatar = StoredFile.objects.create(
            kind=FileKind.PROFILE, file="uploads/p.png", mime_type="image/png", size=1, sha256="0" * 64, owner=user
        )
        user.avatar, user.email, user.gender, user.blood_group = avatar, "asha@example.com", "female", "O+"
        user.allergies, user.medical_history = ["dust"], [{"condition": "Asthma", "diagnosed_date": "2001-02-03"}]
        user.address, user.emergency_contact = {"city": "Mysuru", "pincode": "570001"}, {"name": "Ravi"}
        user.date_of_birth = dt.date(1990, 1, 31)
        user.save()
    if role == "admin":
        user.email = ""
        user.save()
    expected = rendered(UserOutputSerializer(user_get(user.pk)).data)
    read = user_get(user.pk)
    read._prefetched_objects_cache = {}
    assert rendered(user_output(user_with_details(read))) == expected


@pytest.mark.django_db
def test_directory_page_renders_as_the_serializer(api):
    """The directory reads `.values()` rows; each item must still render as the serializer renders the doctor."""
    for index, fee in enumerate(("500", "499.95", "1200.50")):
        doctor = DoctorFactory(
            name=f"Dr {chr(65 + index)}", fee=fee, schedule=["friday 16:00-19:00", "monday 09:00-13:00"]
        )
    doctor.doctor_profile.rating, doctor.doctor_profile.about = Decimal("3.50"), "Hands\\nand wrists"
    doctor.doctor_profile.save()
    response = api.get("/api/users/doctors", {"limit": 2})
    items = response.json()["data"]["items"]
    expected = [DoctorPublicOutputSerializer(user).data for user in doctor_directory()[:2]]
    assert rendered(items) == rendered(expected)
    assert response.json()["data"]["pagination"]["total"] == 3
