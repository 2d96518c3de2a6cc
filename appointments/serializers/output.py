"""Output shape of an appointment (SPEC.md §5), shared by every endpoint that answers one."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors.family import appointment_person, person_summary
from accounts.serializers.family import FamilyMemberBriefOutputSerializer, family_member_brief
from appointments.models import Appointment, AppointmentStatus, PaymentMethod, PaymentStatus, RefundStatus
from arthomed.api.fields import ClockTimeField
from arthomed.api.schema import documented_json
from arthomed.api.serializers import PrebuiltFieldsMixin
from arthomed.core.roles import Role
from files.serializers import StoredFileOutputSerializer


def _money(value) -> float | None:
    return float(value) if value is not None else None


def prescription_text(appointment: Appointment) -> str:
    """The old API's `prescription` string: the free text, else a readable rendering of the medicines."""
    if appointment.prescription:
        return appointment.prescription
    details = appointment.prescription_details or {}
    lines = []
    for medicine in details.get("medicines") or []:
        line = " - ".join(medicine[key] for key in ("name", "dosage", "frequency", "duration") if medicine.get(key))
        if medicine.get("instructions"):
            line += f" ({medicine['instructions']})"
        lines.append(line)
    if details.get("advice"):
        lines.append(f"Advice: {details['advice']}")
    if details.get("next_visit"):
        lines.append(f"Next visit: {details['next_visit']}")
    return "\n".join(lines)


class AppointmentPatientOutputSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    name = serializers.CharField()
    mobile_number = serializers.CharField(allow_null=True)


class AppointmentPersonOutputSerializer(serializers.Serializer):
    """The person seen (the family member booked for, else the account holder) as the doctor needs them."""

    _id = serializers.UUIDField(source="id")
    name = serializers.CharField()
    age = serializers.IntegerField(allow_null=True, help_text="Whole years today; null when no date of birth")
    gender = serializers.CharField()
    blood_group = serializers.CharField()
    allergies = serializers.ListField(child=serializers.CharField())
    relation = serializers.CharField(help_text="`self` for the account holder, else the member's relation")


class AppointmentDoctorInfoOutputSerializer(serializers.Serializer):
    specialization = serializers.CharField()
    consultation_fee = serializers.FloatField()


class AppointmentDoctorOutputSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    name = serializers.CharField()
    doctor_info = serializers.SerializerMethodField()

    @extend_schema_field(AppointmentDoctorInfoOutputSerializer)
    def get_doctor_info(self, doctor) -> dict:
        profile = getattr(doctor, "doctor_profile", None)
        if profile is None:
            return {"specialization": "", "consultation_fee": None}
        return {"specialization": profile.specialization, "consultation_fee": _money(profile.consultation_fee)}


class AppointmentImageOutputSerializer(StoredFileOutputSerializer):
    """A participant's or admin's view of an attached file: metadata and the `url` of its content."""


class AppointmentImageMetadataOutputSerializer(StoredFileOutputSerializer):
    """The front desk's view: metadata only, `url` null (receptionists never read medical content)."""

    def get_url(self, stored) -> str | None:
        return None


class VitalsOutputSerializer(serializers.Serializer):
    blood_pressure = serializers.CharField(required=False)
    pulse = serializers.CharField(required=False)
    temperature = serializers.CharField(required=False)
    weight = serializers.CharField(required=False)
    height = serializers.CharField(required=False)


class VisitSummaryOutputSerializer(serializers.Serializer):
    anamnesis = serializers.CharField(required=False)
    diagnosis = serializers.CharField(required=False)
    advice = serializers.CharField(required=False)
    diet = serializers.CharField(required=False)
    vitals = VitalsOutputSerializer(required=False)


class MedicineOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    dosage = serializers.CharField(required=False)
    frequency = serializers.CharField(required=False)
    duration = serializers.CharField(required=False)
    instructions = serializers.CharField(required=False)


class PrescriptionDetailsOutputSerializer(serializers.Serializer):
    medicines = MedicineOutputSerializer(many=True, required=False)
    advice = serializers.CharField(required=False)
    next_visit = serializers.CharField(required=False)


class FollowUpOutputSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    note = serializers.CharField()


class PaymentOutputSerializer(serializers.Serializer):
    amount = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, allow_null=True)
    transaction_id = serializers.CharField(allow_null=True)
    receipt_number = serializers.CharField(allow_null=True, help_text="`PREFIX/2026-27/000123`, set when paid")
    paid_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_null=True, help_text="Why an admin recorded more than the fee")


class RefundInfoOutputSerializer(serializers.Serializer):
    refund_amount = serializers.FloatField()
    refund_status = serializers.ChoiceField(choices=RefundStatus.choices)
    refund_date = serializers.DateTimeField(allow_null=True)


class CancellationOutputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    cancelled_by = serializers.UUIDField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    refund_amount = serializers.FloatField()
    refund_status = serializers.ChoiceField(choices=RefundStatus.choices)


class FeedbackOutputSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)


def _history_from(self, change) -> str | None:
    return change.from_status or None


# `from` is a Python keyword, so this serializer is built from a dict to give the field its contract name.
StatusChangeOutputSerializer = type(
    "StatusChangeOutputSerializer",
    (serializers.Serializer,),
    {
        "from": serializers.SerializerMethodField(method_name="get_from"),
        "get_from": extend_schema_field(serializers.ChoiceField(choices=AppointmentStatus.choices, allow_null=True))(
            _history_from
        ),
        "to": serializers.ChoiceField(choices=AppointmentStatus.choices, source="to_status"),
        "by": serializers.UUIDField(source="changed_by_id", allow_null=True),
        "at": serializers.DateTimeField(source="changed_at"),
        "note": serializers.CharField(),
        "__module__": __name__,
    },
)


class AppointmentOutputSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    """The full appointment JSON (participants and admins)."""

    _id = serializers.UUIDField(source="id", read_only=True)
    patient = AppointmentPatientOutputSerializer()
    family_member = serializers.SerializerMethodField(help_text="The family member the visit is for; null: the holder")
    doctor = AppointmentDoctorOutputSerializer()
    appointment_time = ClockTimeField()
    end_time = ClockTimeField()
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    images = AppointmentImageOutputSerializer(source="files", many=True)
    notes = serializers.CharField(source="doctor_notes", help_text="The doctor's visit note")
    patient_note = serializers.CharField(source="patient_notes")
    receptionist_note = serializers.CharField(source="receptionist_notes")
    visit_summary = documented_json(VisitSummaryOutputSerializer)
    prescription = serializers.SerializerMethodField()
    prescription_details = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()
    cancellation = serializers.SerializerMethodField()
    cancellation_reason = serializers.SerializerMethodField()
    refund_info = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()
    status_history = StatusChangeOutputSerializer(many=True)

    # Dropped by the reception variant (SPEC.md §5: receptionists never receive clinical content).
    CLINICAL_FIELDS = ("notes", "visit_summary", "prescription", "prescription_details", "follow_up", "person")
    # One schema documents both variants: the clinical keys are the ones a client may not get.
    optional_fields = CLINICAL_FIELDS

    class Meta:
        model = Appointment
        fields = [
            "_id",
            "patient",
            "family_member",
            "doctor",
            "appointment_date",
            "appointment_time",
            "end_time",
            "duration",
            "status",
            "kind",
            "token_number",
            "checked_in_at",
            "purpose_of_visit",
            "reason",
            "symptoms",
            "fee",
            "images",
            "notes",
            "patient_note",
            "receptionist_note",
            "visit_summary",
            "prescription",
            "prescription_details",
            "follow_up",
            "person",
            "payment",
            "cancellation",
            "cancellation_reason",
            "refund_info",
            "feedback",
            "status_history",
            "created_at",
            "updated_at",
            "confirmed_at",
            "completed_at",
        ]

    @extend_schema_field(FamilyMemberBriefOutputSerializer(allow_null=True))
    def get_family_member(self, appointment) -> dict | None:
        return family_member_brief(appointment.family_member)

    def get_prescription(self, appointment) -> str:
        return prescription_text(appointment)

    @extend_schema_field(PrescriptionDetailsOutputSerializer)
    def get_prescription_details(self, appointment) -> dict:
        return appointment.prescription_details or {}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_cancellation_reason(self, appointment) -> str | None:
        return appointment.cancellation_reason if appointment.status == AppointmentStatus.CANCELLED else None

    @extend_schema_field(RefundInfoOutputSerializer(allow_null=True))
    def get_refund_info(self, appointment) -> dict | None:
        """The old API's names for the cancellation's refund; `refundDate` is when it was processed,
        or, until then, when it was granted (the cancellation)."""
        if appointment.status != AppointmentStatus.CANCELLED:
            return None
        return {
            "refund_amount": _money(appointment.refund_amount) or 0,
            "refund_status": appointment.refund_status,
            "refund_date": appointment.refund_processed_at or appointment.cancelled_at,
        }

    @extend_schema_field(FollowUpOutputSerializer)
    def get_follow_up(self, appointment) -> dict:
        date = appointment.follow_up_date
        return {"date": date.isoformat() if date else None, "note": appointment.follow_up_note}

    @extend_schema_field(AppointmentPersonOutputSerializer)
    def get_person(self, appointment) -> dict:
        return AppointmentPersonOutputSerializer(person_summary(appointment_person(appointment))).data

    @extend_schema_field(PaymentOutputSerializer)
    def get_payment(self, appointment) -> dict:
        return {
            "amount": _money(appointment.payment_amount if appointment.payment_amount is not None else appointment.fee),
            "status": appointment.payment_status,
            "method": appointment.payment_method or None,
            "transaction_id": appointment.transaction_id or None,
            "receipt_number": appointment.receipt_number,
            "paid_at": appointment.paid_at,
            "note": appointment.payment_note or None,
        }

    @extend_schema_field(CancellationOutputSerializer(allow_null=True))
    def get_cancellation(self, appointment) -> dict | None:
        if appointment.status != AppointmentStatus.CANCELLED:
            return None
        return {
            "reason": appointment.cancellation_reason,
            "cancelled_by": str(appointment.cancelled_by_id) if appointment.cancelled_by_id else None,
            "cancelled_at": appointment.cancelled_at,
            "refund_amount": _money(appointment.refund_amount) or 0,
            "refund_status": appointment.refund_status,
        }

    @extend_schema_field(FeedbackOutputSerializer(allow_null=True))
    def get_feedback(self, appointment) -> dict | None:
        if appointment.feedback_rating is None:
            return None
        return {
            "rating": appointment.feedback_rating,
            "comment": appointment.feedback_comment,
            "submitted_at": appointment.feedback_submitted_at,
        }


class AppointmentReceptionOutputSerializer(AppointmentOutputSerializer):
    """What a receptionist sees: no clinical fields (no doctor's note, visit summary, prescription, follow-up),
    and attached files as metadata without a content `url`."""

    images = AppointmentImageMetadataOutputSerializer(source="files", many=True)

    class Meta(AppointmentOutputSerializer.Meta):
        fields = [
            f for f in AppointmentOutputSerializer.Meta.fields if f not in AppointmentOutputSerializer.CLINICAL_FIELDS
        ]


def appointment_serializer_for(user) -> type[AppointmentOutputSerializer]:
    """The output serializer matching what `user` may see of an appointment."""
    return AppointmentReceptionOutputSerializer if user.role == Role.RECEPTIONIST else AppointmentOutputSerializer


# --- The same JSON, written as plain data (lists) -----------------------------------------
# A page of appointments through the nested serializers above costs several times the reads
# behind it. `appointment_output` writes the very same JSON from the appointment (patient,
# family member, doctor and profile joined) and its history and files as
# `appointments.selectors.appointments.appointment_history_and_files` reads them.
# AppointmentOutputSerializer stays the schema and the shape of single answers; a test
# keeps the two byte for byte the same (both variants, every kind of appointment).


def _text(value) -> str | None:
    return None if value is None else str(value)


def _person_output(appointment: Appointment) -> dict:
    """AppointmentPersonOutputSerializer(person_summary(appointment_person(appointment))).data."""
    person = person_summary(appointment_person(appointment))
    allergies = person["allergies"]
    return {
        "_id": _text(person["id"]),
        "name": _text(person["name"]),
        "age": None if person["age"] is None else int(person["age"]),
        "gender": _text(person["gender"]),
        "blood_group": _text(person["blood_group"]),
        "allergies": None if allergies is None else [_text(item) for item in allergies],
        "relation": _text(person["relation"]),
    }


def appointment_output(appointment: Appointment, *, history: list, files: list, reception: bool = False) -> dict:
    """What `AppointmentOutputSerializer(appointment).data` (`reception`: the reception variant's) renders to.

    `history`: (from_status, to_status, changed_by_id, changed_at, note) oldest first; `files`:
    (id, file name, original_name, size, mime_type) in upload order.
    """
    a = appointment
    patient, doctor = a.patient, a.doctor
    cancelled = a.status == AppointmentStatus.CANCELLED
    data = {
        "_id": str(a.pk),
        "patient": {"_id": str(patient.pk), "name": _text(patient.name), "mobile_number": _text(patient.mobile_number)},
        "family_member": family_member_brief(a.family_member),
        "doctor": {"_id": str(doctor.pk), "name": _text(doctor.name), "doctor_info": _doctor_info(doctor)},
        "appointment_date": a.appointment_date.isoformat() if a.appointment_date else None,
        "appointment_time": a.appointment_time.strftime("%H:%M") if a.appointment_time is not None else None,
        "end_time": a.end_time.strftime("%H:%M") if a.end_time is not None else None,
        "duration": None if a.duration is None else int(a.duration),
        "status": a.status,
        "kind": a.kind,
        "token_number": None if a.token_number is None else int(a.token_number),
        "checked_in_at": a.checked_in_at or None,
        "purpose_of_visit": _text(a.purpose_of_visit),
        "reason": _text(a.reason),
        "symptoms": _text(a.symptoms),
        "fee": None if a.fee is None else float(a.fee),
        "images": [
            {
                "_id": str(pk),
                "filename": name.rsplit("/", 1)[-1],
                "original_name": _text(original_name),
                "path": _text(name),
                "size": None if size is None else int(size),
                "mime_type": _text(mime_type),
                "url": None if reception else f"/api/files/{pk}",
            }
            for pk, name, original_name, size, mime_type in files
        ],
    }
    if not reception:
        data["notes"] = _text(a.doctor_notes)
    data["patient_note"] = _text(a.patient_notes)
    data["receptionist_note"] = _text(a.receptionist_notes)
    if not reception:
        follow_up = a.follow_up_date
        data["visit_summary"] = a.visit_summary
        data["prescription"] = prescription_text(a)
        data["prescription_details"] = a.prescription_details or {}
        data["follow_up"] = {"date": follow_up.isoformat() if follow_up else None, "note": a.follow_up_note}
        data["person"] = _person_output(a)
    serializer = AppointmentOutputSerializer
    data["payment"] = serializer.get_payment(None, a)
    data["cancellation"] = serializer.get_cancellation(None, a) if cancelled else None
    data["cancellation_reason"] = a.cancellation_reason if cancelled else None
    data["refund_info"] = serializer.get_refund_info(None, a) if cancelled else None
    data["feedback"] = serializer.get_feedback(None, a)
    data["status_history"] = [
        {
            "from": from_status or None,
            "to": to_status,
            "by": None if changed_by is None else str(changed_by),
            "at": changed_at or None,
            "note": _text(note),
        }
        for from_status, to_status, changed_by, changed_at, note in history
    ]
    data["created_at"] = a.created_at or None
    data["updated_at"] = a.updated_at or None
    data["confirmed_at"] = a.confirmed_at or None
    data["completed_at"] = a.completed_at or None
    return data


def _doctor_info(doctor) -> dict:
    return AppointmentDoctorOutputSerializer.get_doctor_info(None, doctor)
