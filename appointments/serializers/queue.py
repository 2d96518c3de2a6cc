"""Shapes of the day's queue (SPEC.md §12): the running-late delay, one appointment's place in the
queue, a doctor's queue. No clinical field anywhere: the front desk reads all of them."""

from rest_framework import serializers

from accounts.selectors.family import appointment_person
from appointments.models import AppointmentKind, AppointmentStatus, DoctorDay
from appointments.services.queue import DELAY_MAX_MINUTES
from arthomed.api.fields import ClinicDateField, ClockTimeField


class DoctorDelayInputSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(
        min_value=0, max_value=DELAY_MAX_MINUTES, help_text="How late the doctor runs today; 0 clears it"
    )
    note = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="For the clinic (the board); never sent to patients",
    )


class DoctorDelayOutputSerializer(serializers.ModelSerializer):
    doctor_id = serializers.UUIDField(read_only=True)
    delay_minutes = serializers.IntegerField()
    note = serializers.CharField(source="delay_note")
    updated_at = serializers.DateTimeField(source="delay_updated_at", allow_null=True)
    notified_count = serializers.SerializerMethodField(
        help_text="Patients told by SMS and feed by this change (a change under 15 minutes tells nobody)"
    )

    class Meta:
        model = DoctorDay
        fields = ["doctor_id", "date", "delay_minutes", "note", "updated_at", "notified_count"]

    def get_notified_count(self, day) -> int:
        return getattr(day, "notified_count", 0)


class DoctorQueueQueryInputSerializer(serializers.Serializer):
    date = ClinicDateField(required=False, help_text="YYYY-MM-DD; today (clinic time) when absent")


class AppointmentQueueInfoOutputSerializer(serializers.Serializer):
    """Where one appointment stands in its doctor's day."""

    token_number = serializers.IntegerField(allow_null=True, help_text="null until checked in")
    position = serializers.IntegerField(
        allow_null=True, help_text="1 = next; null when not waiting in the queue (not checked in, in consultation)"
    )
    patients_ahead = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "Checked-in patients to be seen before it (not checked in yet: those who would stand before it); "
            "0 in consultation; null when it is not confirmed for today"
        ),
    )
    estimated_start_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "The later of (the start + the doctor's delay) and (now + patientsAhead x the doctor's average visit "
            "today, or the slot length); when it started, in consultation; null when not confirmed"
        ),
    )
    doctor_delay_minutes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)


class QueueItemOutputSerializer(serializers.Serializer):
    """One appointment of a doctor's queue: token, time, the person's name, never clinical content."""

    _id = serializers.UUIDField(source="appointment.id")
    token_number = serializers.IntegerField(source="appointment.token_number", allow_null=True)
    appointment_time = ClockTimeField(source="appointment.appointment_time")
    kind = serializers.ChoiceField(source="appointment.kind", choices=AppointmentKind.choices)
    status = serializers.ChoiceField(source="appointment.status", choices=AppointmentStatus.choices)
    checked_in_at = serializers.DateTimeField(source="appointment.checked_in_at", allow_null=True)
    patient_id = serializers.UUIDField(source="appointment.patient_id", help_text="The account holder")
    family_member_id = serializers.UUIDField(source="appointment.family_member_id", allow_null=True)
    patient_name = serializers.SerializerMethodField(help_text="The person seen: the member's name, or the holder's")
    purpose_of_visit = serializers.CharField(source="appointment.purpose_of_visit")
    position = serializers.IntegerField(allow_null=True, help_text="1 = next; null in consultation")
    patients_ahead = serializers.IntegerField()
    estimated_start_at = serializers.DateTimeField(
        allow_null=True, help_text="As in GET /appointments/:id/queue; in consultation: when it started"
    )

    def get_patient_name(self, item) -> str:
        appointment = item["appointment"]
        return appointment_person(appointment).name


class DoctorQueueOutputSerializer(serializers.Serializer):
    doctor_id = serializers.UUIDField()
    date = serializers.DateField()
    delay_minutes = serializers.IntegerField()
    delay_note = serializers.CharField()
    in_consultation = QueueItemOutputSerializer(many=True, help_text="Being seen now (in progress)")
    queue = QueueItemOutputSerializer(many=True, help_text="Checked in and waiting, in queue order (first = next)")
