"""Serializers with prebuilt fields answer exactly what DRF's per-instance field building does."""

import pytest
from rest_framework import serializers

from accounts.selectors.people import user_get
from accounts.serializers.people import DoctorPublicOutputSerializer, UserOutputSerializer
from appointments.selectors.appointments import appointments_with_details
from appointments.serializers.output import AppointmentOutputSerializer, AppointmentReceptionOutputSerializer
from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role


def rebuilt_each_time(serializer_class):
    """The same serializer, building its fields from the model for every instance (DRF's default)."""
    return type(
        f"Rebuilt{serializer_class.__name__}",
        (serializer_class,),
        {"get_fields": serializers.ModelSerializer.get_fields},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("serializer_class", [UserOutputSerializer, DoctorPublicOutputSerializer])
def test_user_serializers(make_user, serializer_class):
    users = [user_get(make_user(role).pk) for role in (Role.DOCTOR, Role.PATIENT, Role.DOCTOR)]
    for user in users:  # alternating roles: nothing of one answer stays in the shared fields
        assert serializer_class(user).data == rebuilt_each_time(serializer_class)(user).data
    assert serializer_class(users, many=True).data == rebuilt_each_time(serializer_class)(users, many=True).data


@pytest.mark.django_db
def test_appointment_serializers_keep_their_own_fields(patient, doctor):
    AppointmentFactory(patient=patient, doctor=doctor, status="completed")
    appointment = appointments_with_details().get()
    full = AppointmentOutputSerializer(appointment).data
    reception = AppointmentReceptionOutputSerializer(appointment).data
    assert full == rebuilt_each_time(AppointmentOutputSerializer)(appointment).data
    assert reception == rebuilt_each_time(AppointmentReceptionOutputSerializer)(appointment).data
    assert "visit_summary" in full and "visit_summary" not in reception
