"""The receptionist console (SPEC.md §9): appointments in the Django admin.

Filter by status, doctor and date, search by patient name or mobile number, and act
with confirm / reject / no-show / mark paid. Every action goes through the lifecycle
services, so the rules, the status history (and the notifications hooked onto those
services) are exactly those of the API. Nothing is edited through the form: an
appointment changes only by those actions, and is never added or deleted here.

Receptionists reach this through the "Receptionists" group (view and change
appointment permissions, granted in appointments/apps.py); admins hold every permission by role.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet

from accounts.models import User
from appointments import admin_notifications  # noqa: F401 - registers the SMS log and feed admins
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange, PaymentStatus, RecordAccessLog
from appointments.services.lifecycle import (
    appointment_confirm,
    appointment_payment_record,
    appointment_reject,
    appointment_status_update,
)
from arthomed.core.errors import ApplicationError
from arthomed.core.roles import Role
from files.admin import AdminOnlyReadOnly

FRONT_DESK_REJECTION = "Rejected by the front desk"
FRONT_DESK_PAYMENT_METHOD = "cash"


class DoctorFilter(admin.SimpleListFilter):
    """Doctors only (a plain foreign-key filter would list every user)."""

    title = "doctor"
    parameter_name = "doctor"

    def lookups(self, request, model_admin):
        doctors = User.objects.filter(role=Role.DOCTOR).order_by("name").values_list("pk", "name")
        return [(str(pk), name) for pk, name in doctors]

    def queryset(self, request, queryset):
        return queryset.filter(doctor_id=self.value()) if self.value() else queryset


class StatusHistoryInline(admin.TabularInline):
    model = AppointmentStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = [
        "appointment_date",
        "appointment_time",
        "patient_name",
        "patient_mobile",
        "doctor_name",
        "status",
        "payment_status",
        "fee",
    ]
    list_filter = ["status", DoctorFilter, ("appointment_date", admin.DateFieldListFilter), "payment_status"]
    search_fields = ["patient__name", "patient__mobile_number"]
    list_select_related = ["patient", "doctor"]
    ordering = ["-starts_at"]
    date_hierarchy = "appointment_date"
    list_per_page = 50
    actions = ["confirm_selected", "reject_selected", "mark_no_show", "mark_paid"]
    inlines = [StatusHistoryInline]
    fieldsets = [
        (None, {"fields": ["patient", "doctor", "booked_by", "status"]}),
        ("When", {"fields": ["appointment_date", "appointment_time", "end_time", "duration"]}),
        ("Visit", {"fields": ["purpose_of_visit", "reason", "symptoms", "patient_notes", "receptionist_notes"]}),
        (
            "Payment",
            {"fields": ["fee", "payment_status", "payment_method", "payment_amount", "transaction_id", "paid_at"]},
        ),
        (
            "Cancellation",
            {"fields": ["rejection_reason", "cancellation_reason", "cancelled_at", "refund_amount", "refund_status"]},
        ),
        ("Times", {"fields": ["created_at", "updated_at", "confirmed_at", "completed_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field for _name, options in self.fieldsets for field in options["fields"]]

    def has_add_permission(self, request):
        return False  # bookings go through the booking rules (API or the app)

    def has_delete_permission(self, request, obj=None):
        return False  # clinical records are kept; cancel or reject instead

    @admin.display(description="patient", ordering="patient__name")
    def patient_name(self, appointment: Appointment) -> str:
        return appointment.patient.name

    @admin.display(description="mobile")
    def patient_mobile(self, appointment: Appointment) -> str:
        return appointment.patient.mobile_number or "-"

    @admin.display(description="doctor", ordering="doctor__name")
    def doctor_name(self, appointment: Appointment) -> str:
        return appointment.doctor.name

    def _apply(self, request, queryset: QuerySet[Appointment], action, done: str) -> None:
        """Run a service on each selected appointment; report successes and each refusal with its reason."""
        succeeded = 0
        for appointment in queryset.select_related("patient"):
            try:
                action(appointment)
            except ApplicationError as exc:
                refusal = f"{appointment.patient.name}, {appointment}: {exc.explanation}"
                self.message_user(request, refusal, messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} appointment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Confirm selected appointments", permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._apply(request, queryset, lambda a: appointment_confirm(appointment=a, actor=request.user), "confirmed")

    @admin.action(description="Reject selected appointments", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda a: appointment_reject(appointment=a, actor=request.user, reason=FRONT_DESK_REJECTION),
            "rejected",
        )

    @admin.action(description="Mark selected as no-show", permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda a: appointment_status_update(appointment=a, actor=request.user, status=AppointmentStatus.NO_SHOW),
            "marked no-show",
        )

    @admin.action(description="Mark selected as paid (cash)", permissions=["change"])
    def mark_paid(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda a: appointment_payment_record(
                appointment=a, actor=request.user, status=PaymentStatus.PAID, method=FRONT_DESK_PAYMENT_METHOD
            ),
            "marked paid",
        )


@admin.register(RecordAccessLog)
class RecordAccessLogAdmin(AdminOnlyReadOnly):
    """Who read whose clinical record (SPEC.md §11): admins only, never editable."""

    list_display = ["accessed_at", "person_name", "person_id", "user", "ip_address"]
    list_filter = ["accessed_at"]
    search_fields = ["person_name", "user__name", "user__mobile_number", "ip_address"]
    list_select_related = ["user"]
    date_hierarchy = "accessed_at"
