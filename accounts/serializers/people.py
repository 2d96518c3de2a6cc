"""Output shape of a user (SPEC.md §4). Input serializers for profile edits live here too."""

from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import WEEKDAYS, BloodGroup, DoctorProfile, Gender, ScheduleBlock, User, Weekday
from arthomed.api.fields import ClockTimeField, PersonNameField
from arthomed.api.serializers import PrebuiltFieldsMixin
from arthomed.core.roles import Role


class ScheduleBlockOutputSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    start_time = ClockTimeField()
    end_time = ClockTimeField()

    class Meta:
        model = ScheduleBlock
        fields = ["day", "start_time", "end_time", "is_available"]


class DoctorInfoOutputSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
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
        # Uses the user's prefetched blocks (see accounts.selectors.people.users_with_details); week order,
        # monday first, whatever the database sorts day names as.
        blocks = sorted(
            profile.user.schedule_blocks.all(), key=lambda block: (WEEKDAYS.index(block.day), block.start_time)
        )
        return self.schedule_serializer.to_representation(blocks)

    @cached_property
    def schedule_serializer(self) -> serializers.ListSerializer:
        # One for every doctor of a list, not a new serializer (and its fields) per doctor.
        return ScheduleBlockOutputSerializer(many=True)


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
    gender = serializers.ChoiceField(choices=Gender.choices, allow_blank=True)
    address = AddressSerializer()
    emergency_contact = EmergencyContactSerializer()


class PatientInfoOutputSerializer(serializers.Serializer):
    blood_group = serializers.ChoiceField(choices=BloodGroup.choices, allow_blank=True)
    allergies = serializers.ListField(child=serializers.CharField())
    medical_history = MedicalHistoryEntrySerializer(many=True)


class UserOutputSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    """The user JSON of SPEC.md §4; `doctorInfo` only for doctors, `patientInfo` only for patients."""

    # "Fields absent when not applicable" (SPEC.md §4): left out when empty, optional in the schema.
    optional_fields = ("patient_info", "doctor_info", "avatar_url", "email")
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
        data = super().to_representation(user)
        for key in self.optional_fields:
            if data.get(key) is None:
                data.pop(key, None)
        return data


class UserStatusOutputSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    status_updated_by = serializers.UUIDField(source="status_updated_by_id", allow_null=True)

    class Meta:
        model = User
        fields = ["_id", "is_active", "status_reason", "status_updated_at", "status_updated_by"]


class DoctorPublicOutputSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    """A doctor as the public directory shows them: no mobile number, e-mail or private profile."""

    _id = serializers.UUIDField(source="id", read_only=True)
    avatar_url = serializers.SerializerMethodField()
    doctor_info = DoctorInfoOutputSerializer(source="doctor_profile")

    class Meta:
        model = User
        fields = ["_id", "name", "role", "gender", "avatar_url", "doctor_info", "is_active"]

    def get_avatar_url(self, user) -> str | None:
        return f"/api/files/{user.avatar_id}" if user.avatar_id else None


def user_output(user: User) -> dict:
    """What `UserOutputSerializer(user).data` renders to, written as plain data for `GET /api/auth/me`
    (the most frequent signed-in read). A test keeps the two byte for byte the same for every role."""
    data = {
        "_id": str(user.pk),
        "mobile_number": None if user.mobile_number is None else str(user.mobile_number),
        "name": None if user.name is None else str(user.name),
        "email": None if user.email is None else str(user.email),
        "role": user.role,
        "is_active": bool(user.is_active),
        "is_verified": bool(user.is_verified),
        "avatar_url": f"/api/files/{user.avatar_id}" if user.avatar_id else None,
        "profile": UserOutputSerializer.get_profile(None, user),
        "patient_info": UserOutputSerializer.get_patient_info(None, user),
        "doctor_info": UserOutputSerializer.get_doctor_info(None, user),
        "created_at": user.created_at or None,
        "updated_at": user.updated_at or None,
    }
    for key in UserOutputSerializer.optional_fields:
        if data[key] is None:
            del data[key]
    return data


def _schedule_output(blocks) -> list[dict]:
    """ScheduleBlockOutputSerializer's list, from (day, start_time, end_time, is_available) rows, week order."""
    ordered = sorted(blocks, key=lambda block: (WEEKDAYS.index(block[0]), block[1]))
    return [
        {"day": day, "start_time": start.strftime("%H:%M"), "end_time": end.strftime("%H:%M"), "is_available": bool(on)}
        for day, start, end, on in ordered
    ]


# What the directory reads of a doctor: user columns, then profile columns (`doctor_profile__<name>`).
DIRECTORY_USER_COLUMNS = ("id", "name", "role", "gender", "avatar_id", "is_active")
# The profile's columns of `doctorInfo`, in its order (the schedule is read apart).
DIRECTORY_PROFILE_COLUMNS = tuple(name for name in DoctorInfoOutputSerializer.Meta.fields if name != "schedule")
DIRECTORY_COLUMNS = DIRECTORY_USER_COLUMNS + tuple(f"doctor_profile__{name}" for name in DIRECTORY_PROFILE_COLUMNS)


def doctor_public_row_output(row: dict, schedule: list[tuple]) -> dict:
    """What `DoctorPublicOutputSerializer(user).data` renders to, from the doctor's `DIRECTORY_COLUMNS`
    (`.values()`: no model instances for a page of the directory, one of the most frequent public reads).
    `schedule`: the doctor's blocks as `doctor_schedules` gives them. A test keeps the two byte for byte
    the same."""
    doctor_info = None
    if row["doctor_profile__specialization"] is not None:  # a profile joined (its specialization is required)
        doctor_info = {
            "specialization": str(row["doctor_profile__specialization"]),
            "qualification": str(row["doctor_profile__qualification"]),
            "experience": int(row["doctor_profile__experience"]),
            "consultation_fee": float(row["doctor_profile__consultation_fee"]),
            "registration_number": str(row["doctor_profile__registration_number"]),
            "about": str(row["doctor_profile__about"]),
            "slot_duration": int(row["doctor_profile__slot_duration"]),
            "rating": float(row["doctor_profile__rating"]),
            "rating_count": int(row["doctor_profile__rating_count"]),
            "schedule": _schedule_output(schedule),
        }
    return {
        "_id": str(row["id"]),
        "name": str(row["name"]),
        "role": row["role"],
        "gender": row["gender"],
        "avatar_url": f"/api/files/{row['avatar_id']}" if row["avatar_id"] else None,
        "doctor_info": doctor_info,
        "is_active": bool(row["is_active"]),
    }


def doctor_public_output(user: User, schedule: list[tuple]) -> dict:
    """`doctor_public_row_output` for a doctor already read as a model instance."""
    row = {name: getattr(user, name) for name in DIRECTORY_USER_COLUMNS}
    profile = getattr(user, "doctor_profile", None)
    for name in DIRECTORY_PROFILE_COLUMNS:
        row[f"doctor_profile__{name}"] = getattr(profile, name) if profile is not None else None
    return doctor_public_row_output(row, schedule)


# --- Input ------------------------------------------------------------------


class LowerEmailField(serializers.EmailField):
    """E-mail addresses are stored lower-case (SPEC.md §4)."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).lower()


class ProfileInputSerializer(serializers.Serializer):
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    address = AddressSerializer(required=False)
    emergency_contact = EmergencyContactSerializer(required=False)

    def validate_date_of_birth(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError("Date of birth cannot be in the future")
        return value


class PatientInfoInputSerializer(serializers.Serializer):
    blood_group = serializers.ChoiceField(choices=BloodGroup.choices, required=False, allow_blank=True)
    allergies = serializers.ListField(child=serializers.CharField(max_length=100), max_length=50, required=False)
    medical_history = MedicalHistoryEntrySerializer(many=True, required=False, max_length=100)


class DoctorInfoInputSerializer(serializers.Serializer):
    """What a doctor may change about their practice; `rating*` is never accepted from clients."""

    specialization = serializers.CharField(max_length=100, required=False)
    qualification = serializers.CharField(max_length=200, required=False, allow_blank=True)
    experience = serializers.IntegerField(min_value=0, max_value=80, required=False)
    consultation_fee = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False)
    registration_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    about = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    slot_duration = serializers.IntegerField(min_value=10, max_value=120, required=False)


class LegacyPatientInfoInputSerializer(PatientInfoInputSerializer):
    """The old app also sends the emergency contact inside `patientInfo` (SPEC.md §5 "Old-API fidelity")."""

    emergency_contact = EmergencyContactSerializer(required=False)


class LegacyProfileInputSerializer(ProfileInputSerializer):
    """The old API's documented body leaves `profile` unclosed, so `patientInfo` may arrive inside it."""

    patient_info = LegacyPatientInfoInputSerializer(required=False)


class ProfileUpdateInputSerializer(serializers.Serializer):
    """`PUT /api/users/profile`: every field optional; role, isActive and mobileNumber are not accepted.

    `patientInfo` is read at the root or inside `profile`, and its `emergencyContact` is the
    profile's: both readings of the old documentation land in the same place.
    """

    name = PersonNameField(required=False)
    email = LowerEmailField(required=False, allow_null=True, allow_blank=True)
    profile = LegacyProfileInputSerializer(required=False)
    patient_info = LegacyPatientInfoInputSerializer(required=False)
    doctor_info = DoctorInfoInputSerializer(required=False)

    def validate(self, attrs):
        profile = attrs.get("profile")
        nested = profile.pop("patient_info", None) if profile is not None else None
        if nested is not None:
            attrs["patient_info"] = {**nested, **attrs.get("patient_info", {})}
        patient_info = attrs.get("patient_info")
        if patient_info is not None and "emergency_contact" in patient_info:
            attrs.setdefault("profile", {})["emergency_contact"] = patient_info.pop("emergency_contact")
        return attrs


class ScheduleBlockInputSerializer(serializers.Serializer):
    day = serializers.ChoiceField(choices=Weekday.choices)
    start_time = ClockTimeField()
    end_time = ClockTimeField()
    is_available = serializers.BooleanField(default=True)


class ScheduleReplaceInputSerializer(serializers.Serializer):
    schedule = ScheduleBlockInputSerializer(many=True, max_length=70)
    slot_duration = serializers.IntegerField(min_value=10, max_value=120, required=False)


class DoctorInfoCreateInputSerializer(DoctorInfoInputSerializer):
    specialization = serializers.CharField(max_length=100)
    schedule = ScheduleBlockInputSerializer(many=True, required=False, max_length=70)


class AdminCreateUserInputSerializer(serializers.Serializer):
    mobile_number = serializers.CharField(max_length=20)
    name = PersonNameField()
    email = LowerEmailField(required=False, allow_null=True, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    profile = ProfileInputSerializer(required=False)
    patient_info = PatientInfoInputSerializer(required=False)
    doctor_info = DoctorInfoCreateInputSerializer(required=False)

    def validate(self, attrs):
        # Which nested block fits which role is part of the request's shape.
        role = attrs["role"]
        if role == Role.DOCTOR and "doctor_info" not in attrs:
            raise serializers.ValidationError({"doctor_info": "Doctors need doctorInfo with a specialization"})
        if role != Role.DOCTOR and "doctor_info" in attrs:
            raise serializers.ValidationError({"doctor_info": "Only doctors have doctorInfo"})
        if role != Role.PATIENT and "patient_info" in attrs:
            raise serializers.ValidationError({"patient_info": "Only patients have patientInfo"})
        return attrs


class UserStatusInputSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
