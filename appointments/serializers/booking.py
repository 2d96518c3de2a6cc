"""Shapes of slots, the month calendar, booking, rescheduling and doctors' leave (SPEC.md §4-5)."""

from rest_framework import serializers

from accounts.models import DoctorLeave, LeaveReason
from accounts.serializers.family import FamilyMemberInputSerializer
from appointments.models import AppointmentKind, PurposeOfVisit
from arthomed.api.fields import (
    CLINIC_MAX_YEAR,
    CLINIC_MIN_YEAR,
    CLINIC_YEAR_MESSAGE,
    ClinicDateField,
    ClockTimeField,
    PersonNameField,
)


class SlotsQueryInputSerializer(serializers.Serializer):
    doctor_id = serializers.CharField(max_length=64)
    date = ClinicDateField()


class CalendarQueryInputSerializer(serializers.Serializer):
    doctor_id = serializers.CharField(max_length=64)
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$", error_messages={"invalid": "Month must be YYYY-MM, e.g. 2026-02"}
    )

    def validate_month(self, value: str) -> str:
        if not CLINIC_MIN_YEAR <= int(value[:4]) <= CLINIC_MAX_YEAR:
            raise serializers.ValidationError(CLINIC_YEAR_MESSAGE)
        return value


class SlotsDoctorInfoOutputSerializer(serializers.Serializer):
    specialization = serializers.CharField(source="doctor_profile.specialization")
    consultation_fee = serializers.DecimalField(
        source="doctor_profile.consultation_fee", max_digits=10, decimal_places=2, coerce_to_string=False
    )


class SlotsDoctorOutputSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    name = serializers.CharField()
    doctor_info = SlotsDoctorInfoOutputSerializer(source="*")


class BookedSlotOutputSerializer(serializers.Serializer):
    start_time = ClockTimeField(source="start")
    end_time = ClockTimeField(source="end")
    is_available = serializers.BooleanField()


class AvailableSlotOutputSerializer(BookedSlotOutputSerializer):
    _id = serializers.SerializerMethodField(
        method_name="get_slot_id", help_text="Stable opaque id of the slot (from doctor, date and start time)"
    )
    consultation_fee = serializers.SerializerMethodField()

    def get_slot_id(self, slot) -> str:
        return slot.id

    def get_consultation_fee(self, slot) -> float:
        return float(self.context["consultation_fee"])


class SlotsOutputSerializer(serializers.Serializer):
    doctor = SlotsDoctorOutputSerializer()
    date = serializers.DateField()
    available_slots = AvailableSlotOutputSerializer(source="available", many=True)
    booked_slots = BookedSlotOutputSerializer(source="booked", many=True)
    reason = serializers.CharField(
        allow_null=True, help_text="Why no slot is available (past, day-off, on-leave, taken, ...); null otherwise"
    )


class CalendarDayOutputSerializer(serializers.Serializer):
    date = serializers.DateField()
    available_count = serializers.IntegerField()
    booked_count = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["available", "full", "off", "past"])
    reason = serializers.CharField(allow_null=True, help_text="Why the day offers no slot; null when it offers one")


class CalendarOutputSerializer(serializers.Serializer):
    doctor = SlotsDoctorOutputSerializer()
    month = serializers.CharField()
    days = CalendarDayOutputSerializer(many=True)


class AppointmentBookInputSerializer(serializers.Serializer):
    doctor_id = serializers.CharField(max_length=64)
    appointment_date = ClinicDateField()
    appointment_time = ClockTimeField(
        required=False,
        help_text="The slot's start, HH:MM. Required, except for a walk-in (which must not send it).",
    )
    kind = serializers.ChoiceField(
        choices=AppointmentKind.choices,
        default=AppointmentKind.SCHEDULED,
        help_text=(
            "`walk-in` (receptionist, admin; appointmentDate today, no appointmentTime): the doctor's next free "
            "slot today, or, when none is left, an extra walk-in place at the current time (answered with kind "
            "`walk-in`); either way confirmed and checked in at once with a token. Patients: 403."
        ),
    )
    purpose_of_visit = serializers.CharField(
        min_length=1,
        max_length=100,
        default=PurposeOfVisit.CONSULTATION,
        help_text=f"Free text, e.g. 'Regular checkup'; suggestions: {', '.join(PurposeOfVisit.values)}",
    )
    reason = serializers.CharField(max_length=500)
    symptoms = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    # Staff only: an existing patient, or a walk-in's number and name (the account is created).
    patient_id = serializers.CharField(max_length=64, required=False)
    patient_mobile_number = serializers.CharField(max_length=20, required=False)
    patient_name = PersonNameField(required=False)
    # Whom on the account the visit is for (SPEC.md §11): a live family member, or (staff) a new one.
    family_member_id = serializers.CharField(max_length=64, required=False)
    new_family_member = FamilyMemberInputSerializer(required=False)


class AppointmentRescheduleInputSerializer(serializers.Serializer):
    appointment_date = ClinicDateField()
    appointment_time = ClockTimeField()


class LeaveInputSerializer(serializers.Serializer):
    date = ClinicDateField()
    start_time = ClockTimeField(required=False, allow_null=True, default=None)
    end_time = ClockTimeField(required=False, allow_null=True, default=None)
    reason = serializers.ChoiceField(choices=LeaveReason.choices, default=LeaveReason.PERSONAL)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LeaveOutputSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    doctor_id = serializers.UUIDField(read_only=True)
    start_time = ClockTimeField(allow_null=True)
    end_time = ClockTimeField(allow_null=True)
    is_whole_day = serializers.BooleanField(read_only=True)

    class Meta:
        model = DoctorLeave
        fields = ["_id", "doctor_id", "date", "start_time", "end_time", "is_whole_day", "reason", "note", "created_at"]
