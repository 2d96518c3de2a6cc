"""Appointments and their status history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    IN_PROGRESS = "in-progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"
    NO_SHOW = "no-show", "No-show"


# Statuses that hold their slot (SPEC.md §5).
ACTIVE_STATUSES = (
    AppointmentStatus.PENDING,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.IN_PROGRESS,
    AppointmentStatus.COMPLETED,
)
TERMINAL_STATUSES = (
    AppointmentStatus.COMPLETED,
    AppointmentStatus.CANCELLED,
    AppointmentStatus.REJECTED,
    AppointmentStatus.NO_SHOW,
)


class PurposeOfVisit(models.TextChoices):
    """Suggestions for `purposeOfVisit`, which is free text (the old app sends e.g. "Regular checkup")."""

    CONSULTATION = "consultation", "Consultation"
    FOLLOW_UP = "follow-up", "Follow-up"
    EMERGENCY = "emergency", "Emergency"
    ROUTINE_CHECKUP = "routine-checkup", "Routine check-up"
    VACCINATION = "vaccination", "Vaccination"
    HEALTH_SCREENING = "health-screening", "Health screening"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially-refunded", "Partially refunded"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    UPI = "upi", "UPI"
    ONLINE = "online", "Online"
    INSURANCE = "insurance", "Insurance"


class AppointmentKind(models.TextChoices):
    """A scheduled booking holds a slot; a walk-in place takes none (SPEC.md §10)."""

    SCHEDULED = "scheduled", "Scheduled"
    WALK_IN = "walk-in", "Walk-in"


class RefundStatus(models.TextChoices):
    NOT_APPLICABLE = "not-applicable", "Not applicable"
    PENDING = "pending", "Pending"
    PROCESSED = "processed", "Processed"


class Appointment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patient_appointments")
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="doctor_appointments")
    # The person seen, when not the account holder (SPEC.md §11); the holder owns the booking.
    family_member = models.ForeignKey(
        "accounts.FamilyMember", null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Clinic-local date and times, as the contract speaks them ...
    appointment_date = models.DateField()
    appointment_time = models.TimeField()
    end_time = models.TimeField()
    duration = models.PositiveSmallIntegerField(help_text="minutes")
    # ... and the same instants as aware datetimes, for ordering and overlap constraints.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The start as booked (or as the clinic last moved it): a patient's own reschedule keeps it,
    # so the cancellation refund notice cannot be gamed by moving the visit first (SPEC.md §5).
    booked_starts_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.PENDING)
    kind = models.CharField(max_length=10, choices=AppointmentKind.choices, default=AppointmentKind.SCHEDULED)
    # The day's queue (SPEC.md §12): tokens 1, 2, 3… per doctor per day in check-in order, never reused.
    token_number = models.PositiveSmallIntegerField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # The running-late delay (minutes) this patient was last told by SMS; changes under 15 minutes are not sent.
    delay_notified_minutes = models.PositiveSmallIntegerField(default=0)
    purpose_of_visit = models.CharField(max_length=100, default=PurposeOfVisit.CONSULTATION)
    reason = models.CharField(max_length=500, blank=True)
    symptoms = models.TextField(max_length=1000, blank=True)
    fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    patient_notes = models.TextField(blank=True)
    doctor_notes = models.TextField(blank=True)
    receptionist_notes = models.TextField(blank=True)
    visit_summary = models.JSONField(default=dict, blank=True)  # anamnesis, diagnosis, advice, diet, vitals
    prescription = models.TextField(blank=True)  # the free-text prescription, as the old API spoke it
    prescription_details = models.JSONField(default=dict, blank=True)  # medicines[], advice, nextVisit
    follow_up_date = models.DateField(null=True, blank=True)
    follow_up_note = models.CharField(max_length=500, blank=True)

    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    payment_method = models.CharField(max_length=12, choices=PaymentMethod.choices, blank=True)
    payment_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    transaction_id = models.CharField(max_length=100, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_note = models.CharField(max_length=500, blank=True, help_text="why an admin recorded more than the fee")
    # Who took the money (the day close's per-staff totals) and the receipt, unique in its financial year.
    payment_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipt_number = models.CharField(max_length=40, null=True, blank=True, unique=True)

    rejection_reason = models.CharField(max_length=500, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refund_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    refund_status = models.CharField(max_length=16, choices=RefundStatus.choices, blank=True)
    refund_processed_at = models.DateTimeField(null=True, blank=True)
    refund_method = models.CharField(max_length=12, choices=PaymentMethod.choices, blank=True)
    refund_reference = models.CharField(max_length=100, blank=True)
    refund_processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    feedback_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback_comment = models.CharField(max_length=1000, blank=True)
    feedback_submitted_at = models.DateTimeField(null=True, blank=True)

    idempotency_key = models.CharField(max_length=128, null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["doctor", "starts_at"], name="appt_doctor_starts"),
            models.Index(fields=["patient", "starts_at"], name="appt_patient_starts"),
            models.Index(fields=["status", "starts_at"], name="appt_status_starts"),
            models.Index(fields=["doctor", "appointment_date"], name="appt_doctor_date"),
            models.Index(fields=["appointment_date"], name="appt_date"),
            models.Index(fields=["paid_at"], name="appt_paid_at"),
            models.Index(fields=["-created_at"], name="appt_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="appt_starts_before_ends"),
            models.CheckConstraint(
                condition=Q(feedback_rating__isnull=True) | Q(feedback_rating__gte=1, feedback_rating__lte=5),
                name="appt_feedback_rating_range",
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="appt_fee_non_negative"),
            models.UniqueConstraint(
                fields=["doctor", "appointment_date", "token_number"],
                condition=Q(token_number__isnull=False),
                name="appt_unique_doctor_day_token",
            ),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="appt_unique_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_date} {self.appointment_time:%H:%M} ({self.status})"

    @property
    def purpose_label(self) -> str:
        """A suggested purpose's label ("Routine check-up"), or the free text as the app sent it."""
        if self.purpose_of_visit in PurposeOfVisit.values:
            return PurposeOfVisit(self.purpose_of_visit).label
        return self.purpose_of_visit

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class DoctorDay(models.Model):
    """One doctor's clinic day (SPEC.md §12): the running-late delay and the last token given out.

    The row is the lock for check-ins: the token counter is incremented under `select_for_update`,
    so two receptionists checking in at once never get the same token.
    """

    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_days")
    date = models.DateField()
    delay_minutes = models.PositiveSmallIntegerField(default=0)
    delay_note = models.CharField(max_length=200, blank=True)
    delay_updated_at = models.DateTimeField(null=True, blank=True)
    delay_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_token = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doctor", "date"], name="doctor_day_unique"),
            models.CheckConstraint(condition=Q(delay_minutes__lte=240), name="doctor_day_delay_range"),
        ]

    def __str__(self) -> str:
        return f"{self.date} (+{self.delay_minutes} min)"


class ReceiptCounter(models.Model):
    """The last receipt number of one financial year ("2026-27"), incremented under a row lock."""

    financial_year = models.CharField(max_length=7, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.financial_year}: {self.last_number}"


class AppointmentStatusChange(models.Model):
    """One line of `statusHistory`: who moved the appointment from where to where, and when."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["appointment", "changed_at"], name="appt_history_appt_at")]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class NotificationKind(models.TextChoices):
    """What a message is about; also names its SMS template `templates/sms/<kind>.txt`."""

    BOOKING_RECEIVED = "booking-received", "Booking received"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    RESCHEDULED = "rescheduled", "Rescheduled"
    REMINDER = "reminder", "Reminder"
    FEEDBACK_REQUEST = "feedback-request", "Feedback request"
    EXPIRED = "expired", "Expired"
    FOLLOW_UP_REMINDER = "follow-up-reminder", "Follow-up reminder"
    RUNNING_LATE = "running-late", "Doctor running late"


class Notification(models.Model):
    """One entry of a user's in-app notification feed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    title = models.CharField(max_length=120)
    body = models.TextField()
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    is_read = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "is_read", "-created_at"], name="notif_user_read_created")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class OutboundMessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Undelivered"
    FAILED = "failed", "Failed"


class OutboundMessage(models.Model):
    """The log of every notification SMS: what went to whom, and how far it got."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.CharField(max_length=16, help_text="mobile number; shown masked")
    body = models.TextField()
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    dlt_template_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=12, choices=OutboundMessageStatus.choices, default=OutboundMessageStatus.QUEUED
    )
    provider_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_messages"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="outbound_status_created"),
            models.Index(fields=["provider_id"], name="outbound_provider_id"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} SMS ({self.status})"


class AppointmentReminder(models.Model):
    """Claim row of a reminder: the unique constraint makes it exactly one per appointment start time,
    however many reminder jobs run at once. A rescheduled appointment is reminded of its new time."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    starts_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "starts_at"], name="appt_reminder_once_per_start"),
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.appointment_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class FollowUpReminder(models.Model):
    """Claim row of a follow-up reminder: exactly one per visit and follow-up date, however many jobs run
    at once (like AppointmentReminder). A follow-up moved to another date is announced again."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="follow_up_reminders")
    follow_up_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "follow_up_date"], name="follow_up_reminder_once_per_date"),
        ]

    def __str__(self) -> str:
        return f"Follow-up reminder for {self.appointment_id} on {self.follow_up_date:%Y-%m-%d}"


class RecordAccessLog(models.Model):
    """Every read of a person's clinical record by a doctor or an admin (SPEC.md §11), kept like file reads."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The person: a user id (the account holder) or a family-member id; kept as text so the row outlives them.
    person_id = models.UUIDField()
    person_name = models.CharField(max_length=100)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    accessed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"Record of {self.person_name} at {self.accessed_at:%Y-%m-%d %H:%M}"
