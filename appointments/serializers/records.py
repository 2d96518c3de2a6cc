"""Output shape of a person's clinical record (`GET /api/patients/:personId/record`, SPEC.md §11)."""

from rest_framework import serializers

from appointments.models import AppointmentStatus
from appointments.serializers.output import (
    AppointmentPersonOutputSerializer,
    FollowUpOutputSerializer,
    prescription_text,
)
from files.serializers import StoredFileOutputSerializer


class RecordPersonOutputSerializer(AppointmentPersonOutputSerializer):
    medical_history = serializers.JSONField()


class RecordDoctorOutputSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id")
    name = serializers.CharField()


class RecordVisitOutputSerializer(serializers.Serializer):
    appointment_id = serializers.UUIDField(source="id")
    date = serializers.DateField(source="appointment_date")
    doctor = RecordDoctorOutputSerializer()
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    diagnosis = serializers.SerializerMethodField()
    notes = serializers.CharField(source="doctor_notes")
    prescription = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()

    def get_diagnosis(self, appointment) -> str:
        return (appointment.visit_summary or {}).get("diagnosis", "")

    def get_prescription(self, appointment) -> str:
        return prescription_text(appointment)

    def get_follow_up(self, appointment) -> FollowUpOutputSerializer:
        return FollowUpOutputSerializer({"date": appointment.follow_up_date, "note": appointment.follow_up_note}).data


class PersonRecordOutputSerializer(serializers.Serializer):
    person = RecordPersonOutputSerializer()
    visits = RecordVisitOutputSerializer(many=True, help_text="Newest first; cancelled and rejected ones left out")
    files = StoredFileOutputSerializer(many=True)
