"""Input shapes of the lifecycle actions and list filters (SPEC.md §5). Shape only; rules live in services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from appointments.models import AppointmentStatus, PaymentMethod, PaymentStatus

TEXT_MAX = 5000


class AppointmentConfirmInputSerializer(serializers.Serializer):
    """The older `POST /appointments/confirm` form carries the id in the body."""

    appointment_id = serializers.CharField(max_length=64)


class AppointmentRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AppointmentCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class VitalsInputSerializer(serializers.Serializer):
    blood_pressure = serializers.CharField(max_length=50, required=False, allow_blank=True)
    pulse = serializers.CharField(max_length=50, required=False, allow_blank=True)
    temperature = serializers.CharField(max_length=50, required=False, allow_blank=True)
    weight = serializers.CharField(max_length=50, required=False, allow_blank=True)
    height = serializers.CharField(max_length=50, required=False, allow_blank=True)


class VisitSummaryInputSerializer(serializers.Serializer):
    anamnesis = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    diagnosis = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    advice = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    diet = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    vitals = VitalsInputSerializer(required=False)


class DoctorNotesInputSerializer(serializers.Serializer):
    doctor = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class MedicineInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    dosage = serializers.CharField(max_length=200, required=False, allow_blank=True)
    frequency = serializers.CharField(max_length=200, required=False, allow_blank=True)
    duration = serializers.CharField(max_length=200, required=False, allow_blank=True)
    instructions = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class PrescriptionInputSerializer(serializers.Serializer):
    medicines = MedicineInputSerializer(many=True, required=False, max_length=50)
    advice = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    next_visit = serializers.CharField(max_length=200, required=False, allow_blank=True)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "maxLength": TEXT_MAX, "description": "Free text, e.g. 'Vitamin D3 - 1 tablet daily'"},
            {
                "type": "object",
                "description": "Structured prescription (answered as prescriptionDetails)",
                "properties": {
                    "medicines": {"type": "array", "items": {"type": "object"}},
                    "advice": {"type": "string"},
                    "nextVisit": {"type": "string"},
                },
            },
        ]
    }
)
class PrescriptionField(serializers.Field):
    """`prescription`: the old API's free-text string, or the structured object (kept as prescriptionDetails)."""

    def to_internal_value(self, data) -> dict:
        if isinstance(data, str):
            return {"prescription": serializers.CharField(max_length=TEXT_MAX, allow_blank=True).run_validation(data)}
        if isinstance(data, dict):
            details = PrescriptionInputSerializer(data=data)
            details.is_valid(raise_exception=True)
            return {"prescription_details": details.validated_data}
        raise serializers.ValidationError("Prescription must be a text or an object with medicines")


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "maxLength": TEXT_MAX, "description": "The doctor's visit note"},
            {"type": "object", "properties": {"doctor": {"type": "string"}}},
        ]
    }
)
class DoctorNotesField(serializers.Field):
    """`notes`: the doctor's note as a string (old API), or `{ "doctor": "..." }`."""

    def to_internal_value(self, data) -> str:
        if isinstance(data, dict):
            notes = DoctorNotesInputSerializer(data=data)
            notes.is_valid(raise_exception=True)
            data = notes.validated_data["doctor"]
        return serializers.CharField(max_length=TEXT_MAX, allow_blank=True).run_validation(data)


def clinical_arguments(data: dict) -> dict:
    """Validated clinical input -> the keyword arguments of the lifecycle services."""
    arguments = {key: value for key, value in data.items() if key != "prescription"}
    arguments.update(data.get("prescription") or {})
    return arguments


class FollowUpInputSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class AppointmentStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    notes = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    visit_summary = VisitSummaryInputSerializer(required=False)
    prescription = PrescriptionField(required=False)
    follow_up = FollowUpInputSerializer(required=False)


class AppointmentVisitSummaryInputSerializer(serializers.Serializer):
    visit_summary = VisitSummaryInputSerializer(required=False)
    prescription = PrescriptionField(required=False)
    follow_up = FollowUpInputSerializer(required=False)
    notes = DoctorNotesField(required=False)


class AppointmentPaymentInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True)
    transaction_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="Required for an amount above the fee"
    )


class AppointmentFeedbackInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class AppointmentStatusCountsSerializer(serializers.Serializer):
    """How many appointments are in each status (also the reception dashboard's `counts`)."""

    pending = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    rejected = serializers.IntegerField()
    no_show = serializers.IntegerField()


class AppointmentStatsOutputSerializer(AppointmentStatusCountsSerializer):
    total = serializers.IntegerField()
