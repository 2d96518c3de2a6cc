"""People: users (mobile-number login), doctor details, weekly schedule, leave, OTP codes."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import F, Q

from arthomed.core.roles import STAFF_ROLES, Role


class UserManager(BaseUserManager):
    """Low-level row creation; business rules live in `accounts.services`."""

    use_in_migrations = True

    def create_user(self, mobile_number: str, **fields):
        user = self.model(mobile_number=mobile_number, **fields)
        user.set_unusable_password()  # staff sign in with an SMS code, never a password
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile_number: str, **fields):
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_verified", True)
        return self.create_user(mobile_number, **fields)


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"


class BloodGroup(models.TextChoices):
    A_POS = "A+", "A+"
    A_NEG = "A-", "A-"
    B_POS = "B+", "B+"
    B_NEG = "B-", "B-"
    AB_POS = "AB+", "AB+"
    AB_NEG = "AB-", "AB-"
    O_POS = "O+", "O+"
    O_NEG = "O-", "O-"


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # 10-digit Indian number; NULL once an account is deleted, which frees the number.
    mobile_number = models.CharField(max_length=10, unique=True, null=True, blank=True)
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(unique=True, null=True, blank=True)  # stored lower-case
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT, db_index=True)
    is_active = models.BooleanField(default=True)
    is_verified = models.BooleanField(default=False)

    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True)
    address = models.JSONField(default=dict, blank=True)  # street, city, state, pincode, country
    emergency_contact = models.JSONField(default=dict, blank=True)  # name, relationship, mobileNumber
    blood_group = models.CharField(max_length=3, choices=BloodGroup.choices, blank=True)
    allergies = models.JSONField(default=list, blank=True)
    medical_history = models.JSONField(default=list, blank=True)
    avatar = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    status_reason = models.CharField(max_length=500, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)
    status_updated_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Tokens carry this number; bumping it revokes every token at once (deactivation, deletion).
    token_version = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "mobile_number"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["role", "is_active", "-created_at"], name="user_role_active_created"),
            models.Index(fields=["name"], name="user_name"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'Unnamed'} ({self.mobile_number or 'deleted'})"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        """The admin's greeting ("Welcome, Rita") rather than the mobile number the account signs in with."""
        return self.name.split(" ", 1)[0] if self.name else ""

    @property
    def is_staff(self) -> bool:
        """May use the Django admin: admins and receptionists."""
        return self.is_active and self.role in STAFF_ROLES

    @property
    def is_superuser(self) -> bool:
        """Replaces PermissionsMixin's column: admins hold every permission, by role."""
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_doctor(self) -> bool:
        return self.role == Role.DOCTOR

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT


class DoctorProfile(models.Model):
    user = models.OneToOneField(User, primary_key=True, on_delete=models.CASCADE, related_name="doctor_profile")
    specialization = models.CharField(max_length=100, db_index=True)
    qualification = models.CharField(max_length=200, blank=True)
    experience = models.PositiveSmallIntegerField(default=0)
    consultation_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    registration_number = models.CharField(max_length=50, blank=True)
    about = models.TextField(max_length=2000, blank=True)
    slot_duration = models.PositiveSmallIntegerField(default=30)
    # Sum and count of feedback ratings; `rating` is their mean, kept for cheap reads.
    rating = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(default=0)
    rating_total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_duration__gte=10, slot_duration__lte=120), name="doctor_slot_duration_range"
            ),
            models.CheckConstraint(condition=Q(consultation_fee__gte=0), name="doctor_fee_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user.name} — {self.specialization}"


class Weekday(models.TextChoices):
    MONDAY = "monday", "Monday"
    TUESDAY = "tuesday", "Tuesday"
    WEDNESDAY = "wednesday", "Wednesday"
    THURSDAY = "thursday", "Thursday"
    FRIDAY = "friday", "Friday"
    SATURDAY = "saturday", "Saturday"
    SUNDAY = "sunday", "Sunday"


# `date.weekday()` index -> Weekday value.
WEEKDAYS = list(Weekday.values)


class ScheduleBlock(models.Model):
    """One working block of a doctor's week, e.g. monday 09:00-13:00."""

    doctor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="schedule_blocks")
    day = models.CharField(max_length=9, choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    is_available = models.BooleanField(default=True)

    class Meta:
        ordering = ["doctor", "day", "start_time"]
        indexes = [models.Index(fields=["doctor", "day"], name="schedule_doctor_day")]
        constraints = [
            models.CheckConstraint(condition=Q(start_time__lt=F("end_time")), name="schedule_block_start_before_end"),
            models.UniqueConstraint(fields=["doctor", "day", "start_time"], name="schedule_block_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class FamilyRelation(models.TextChoices):
    SPOUSE = "spouse", "Spouse"
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    SIBLING = "sibling", "Sibling"
    OTHER = "other", "Other"


class FamilyMember(models.Model):
    """A person booked for on someone else's account (one phone, one family; SPEC.md §11).

    The account holder is the "self" person of the account (appointments without a member).
    A removed member keeps their row, so their past clinical record stays theirs.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="family_members")
    name = models.CharField(max_length=100)
    relation = models.CharField(max_length=8, choices=FamilyRelation.choices)
    # A date of birth, or one estimated from an age given instead (the clinic often only knows the age).
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True)
    blood_group = models.CharField(max_length=3, choices=BloodGroup.choices, blank=True)
    allergies = models.JSONField(default=list, blank=True)
    medical_history = models.JSONField(default=list, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["account", "removed_at"], name="family_account_removed")]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class LeaveReason(models.TextChoices):
    BREAK = "break", "Break"
    EMERGENCY = "emergency", "Emergency"
    PERSONAL = "personal", "Personal"
    MAINTENANCE = "maintenance", "Maintenance"
    OTHER = "other", "Other"


class DoctorLeave(models.Model):
    """Leave or blocked time: the whole day when no times are given."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    doctor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="leaves")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    reason = models.CharField(max_length=16, choices=LeaveReason.choices, default=LeaveReason.PERSONAL)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["doctor", "date"], name="leave_doctor_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True, end_time__isnull=True)
                | Q(start_time__isnull=False, end_time__isnull=False, start_time__lt=F("end_time")),
                name="leave_whole_day_or_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start_time or 'all day'} ({self.reason})"

    @property
    def is_whole_day(self) -> bool:
        return self.start_time is None


class OtpCode(models.Model):
    """A one-time sign-in code. Only a hash is stored; rows also carry the abuse counters.

    Cooldown and hourly caps are counted from these rows, so they hold across
    processes and restarts whatever the cache (ARCHITECTURE.md).
    """

    mobile_number = models.CharField(max_length=10)
    code_hash = models.CharField(max_length=128)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set when the code was used, replaced by a newer one, failed to send, or died of wrong tries.
    consumed_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["mobile_number", "-created_at"], name="otp_number_created"),
            models.Index(fields=["ip_address", "-created_at"], name="otp_ip_created"),
            models.Index(fields=["expires_at"], name="otp_expires"),
        ]

    def __str__(self) -> str:
        return f"OTP for {self.mobile_number[:2]}XXXXXX{self.mobile_number[-2:]}"

    @property
    def is_spent(self) -> bool:
        return self.consumed_at is not None or self.invalidated_at is not None
