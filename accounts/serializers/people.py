"""Output shape of a user (SPEC.md §4). Input serializers for profile edits live here too."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import DoctorProfile, ScheduleBlock, User
from arthomed.api.roles import Role


class ScheduleBlockOutputSerializer(serializers.ModelSerializer):
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")

    class Meta:
        model = ScheduleBlock
        fields = ["day", "start_time", "end_time", "is_available"]


class DoctorInfoOutputSerializer(serializers.ModelSerializer):
    consultation_fee = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False)
    schedule = serializers.SerializerMethodField()

    class Meta:
        model = DoctorProfile
        fields = [
            "specialization",
            "qualification",
            "experience",
            "consultation_fee",
            "registration_number",
            "about",
            "slot_duration",
            "rating",
            "rating_count",
            "schedule",
        ]

    @extend_schema_field(ScheduleBlockOutputSerializer(many=True))
    def get_schedule(self, profile) -> list[dict]:
        # Uses the user's prefetched blocks (see accounts.selectors.people.users_with_details).
        return ScheduleBlockOutputSerializer(profile.user.schedule_blocks.all(), many=True).data


class AddressSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    state = serializers.CharField(max_length=100, required=False, allow_blank=True)
    pincode = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    country = serializers.CharField(max_length=100, required=False, allow_blank=True)


class EmergencyContactSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    relationship = serializers.CharField(max_length=50, required=False, allow_blank=True)
    mobile_number = serializers.CharField(max_length=20, required=False, allow_blank=True)


class MedicalHistoryEntrySerializer(serializers.Serializer):
    condition = serializers.CharField(max_length=200)
    diagnosed_date = serializers.DateField(required=False, allow_null=True)
    treatment = serializers.CharField(max_length=500, required=False, allow_blank=True)
    doctor = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ProfileOutputSerializer(serializers.Serializer):
    date_of_birth = serializers.DateField(allow_null=True)
    gender = serializers.CharField()
    address = AddressSerializer()
    emergency_contact = EmergencyContactSerializer()


class PatientInfoOutputSerializer(serializers.Serializer):
    blood_group = serializers.CharField()
    allergies = serializers.ListField(child=serializers.CharField())
    medical_history = MedicalHistoryEntrySerializer(many=True)


class UserOutputSerializer(serializers.ModelSerializer):
    """The user JSON of SPEC.md §4; `doctorInfo` only for doctors, `patientInfo` only for patients."""

    _id = serializers.UUIDField(source="id", read_only=True)
    avatar_url = serializers.SerializerMethodField()
    profile = serializers.SerializerMethodField()
    patient_info = serializers.SerializerMethodField()
    doctor_info = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "_id",
            "mobile_number",
            "name",
            "email",
            "role",
            "is_active",
            "is_verified",
            "avatar_url",
            "profile",
            "patient_info",
            "doctor_info",
            "created_at",
            "updated_at",
        ]

    def get_avatar_url(self, user) -> str | None:
        return f"/api/files/{user.avatar_id}" if user.avatar_id else None

    @extend_schema_field(ProfileOutputSerializer)
    def get_profile(self, user) -> dict:
        return {
            "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else None,
            "gender": user.gender,
            "address": user.address or {},
            "emergency_contact": user.emergency_contact or {},
        }

    @extend_schema_field(PatientInfoOutputSerializer(required=False))
    def get_patient_info(self, user) -> dict | None:
        if user.role != Role.PATIENT:
            return None
        return {
            "blood_group": user.blood_group,
            "allergies": user.allergies or [],
            "medical_history": user.medical_history or [],
        }

    @extend_schema_field(DoctorInfoOutputSerializer(required=False))
    def get_doctor_info(self, user) -> dict | None:
        profile = getattr(user, "doctor_profile", None) if user.role == Role.DOCTOR else None
        return DoctorInfoOutputSerializer(profile).data if profile else None

    def to_representation(self, user):
        # "Fields absent when not applicable" (SPEC.md §4): drop empty role-specific blocks.
        data = super().to_representation(user)
        for key in ("patient_info", "doctor_info", "avatar_url", "email"):
            if data.get(key) is None:
                data.pop(key, None)
        return data
