"""The receptionist console (SPEC.md §9, §10): appointments in the Django admin.

Pending bookings first, soonest first; filter by status, doctor and day (today, tomorrow, the
next 7 days, clinic time), search by patient name or mobile number, and act with confirm /
reject (with a reason, asked on a page of its own) / no-show / mark paid. Every action goes
through the lifecycle services, so the rules, the status history (and the notifications hooked
onto those services) are exactly those of the API, and each lands in the admin's history.
Nothing is edited through the form: an appointment changes only by those actions (the change
page links to the Today board's), and is never added or deleted here.

Receptionists reach this through the "Receptionists" group (view and change
appointment permissions, granted in appointments/apps.py); admins hold every permission by role.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join

from accounts.models import User
from appointments import admin_notifications  # noqa: F401 - registers the SMS log and feed admins
from appointments.frontdesk.board import row_actions
from appointments.frontdesk.history import history_record
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange, PaymentStatus, RecordAccessLog
from appointments.services.lifecycle import (
    appointment_confirm,
    appointment_payment_record,
    appointment_reject,
    appointment_status_update,
)
from arthomed.admin_view_only import ViewOnlyAdmin
from arthomed.core.errors import ApplicationError
from arthomed.core.roles import Role
from files.admin import AdminOnlyReadOnly

FRONT_DESK_PAYMENT_METHOD = "cash"
ACTION_LABELS = {
    "check-in": "Check in",
    "confirm": "Confirm",
    "no-show": "No-show",
    "reject": "Reject…",
    "cancel": "Cancel…",
    "reschedule": "Reschedule…",
}


class RejectReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class DayFilter(admin.SimpleListFilter):
    """Today, tomorrow or the next 7 days, in clinic time (the admin's own date filter looks back)."""

    title = "day"
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [("today", "Today"), ("tomorrow", "Tomorrow"), ("next-7-days", "Next 7 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "today":
            return queryset.filter(appointment_date=today)
        if self.value() == "tomorrow":
            return queryset.filter(appointment_date=today + timedelta(days=1))
        if self.value() == "next-7-days":
            return queryset.filter(appointment_date__gte=today, appointment_date__lt=today + timedelta(days=7))
        return queryset


class DoctorFilter(admin.SimpleListFilter):
    """Doctors only (a plain foreign-key filter would list every user)."""

    title = "doctor"
    parameter_name = "doctor"

    def lookups(self, request, model_admin):
        doctors = User.objects.filter(role=Role.DOCTOR).order_by("name").values_list("pk", "name")
        return [(str(pk), name) for pk, name in doctors]

    def queryset(self, request, queryset):
        return queryset.filter(doctor_id=self.value()) if self.value() else queryset


class StatusHistoryInline(ViewOnlyAdmin, admin.TabularInline):
    model = AppointmentStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = [
        "when",
        "patient_name",
        "patient_mobile",
        "doctor_name",
        "status",
        "payment_status",
        "fee",
    ]
    list_filter = ["status", DoctorFilter, DayFilter, "payment_status"]
    search_fields = ["patient__name", "patient__mobile_number"]
    list_select_related = ["patient", "doctor"]
    date_hierarchy = "appointment_date"
    list_per_page = 50
    actions = ["confirm_selected", "reject_selected", "mark_no_show", "mark_paid"]
    inlines = [StatusHistoryInline]
    fieldsets = [
        (None, {"fields": ["patient", "doctor", "booked_by", "status", "front_desk_actions"]}),
        ("When", {"fields": ["appointment_date", "time", "duration", "kind", "token_number", "checked_in"]}),
        (
            "Visit",
            {
                "fields": [
                    "purpose_of_visit",
                    "reason",
                    "symptoms",
                    "patient_notes",
                    "receptionist_notes",
                    "attachments",
                ]
            },
        ),
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

    def get_ordering(self, request):
        """Pending bookings first, soonest first (they wait for someone); then the rest, newest first."""
        pending = When(status=AppointmentStatus.PENDING, then=Value(0))
        return [
            Case(pending, default=Value(1), output_field=IntegerField()).asc(),
            Case(When(status=AppointmentStatus.PENDING, then=F("starts_at"))).asc(nulls_last=True),
            F("starts_at").desc(),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("files")

    def has_add_permission(self, request):
        return False  # bookings go through the booking rules (API or the app)

    def has_delete_permission(self, request, obj=None):
        return False  # clinical records are kept; cancel or reject instead

    @admin.display(description="time", ordering="starts_at")
    def time(self, appointment: Appointment) -> str:
        return f"{appointment.appointment_time:%H:%M}"

    @admin.display(description="when", ordering="starts_at")
    def when(self, appointment: Appointment) -> str:
        """Date and 24-hour time in one compact column (the list fits 1366 px with the sidebar open)."""
        return f"{appointment.appointment_date:%d %b %Y} {appointment.appointment_time:%H:%M}"

    @admin.display(description="checked in")
    def checked_in(self, appointment: Appointment) -> str:
        return f"{timezone.localtime(appointment.checked_in_at):%H:%M}" if appointment.checked_in_at else "-"

    @admin.display(description="attachments")
    def attachments(self, appointment: Appointment) -> str:
        """What was uploaded, as metadata only: the content is never shown here."""
        files = list(appointment.files.all())
        if not files:
            return "-"
        return format_html_join(
            "",
            "<div>{} · {} · {} KB · {}</div>",
            (
                (
                    stored.original_name or stored.filename,
                    stored.mime_type,
                    max(1, round(stored.size / 1024)),
                    f"{timezone.localtime(stored.created_at):%Y-%m-%d %H:%M}",
                )
                for stored in files
            ),
        )

    @admin.display(description="front desk")
    def front_desk_actions(self, appointment: Appointment) -> str:
        """The Today board's actions for this appointment (each asks before it acts), and its day's board."""
        links = [
            (reverse("frontdesk:act", args=[appointment.pk, action]), ACTION_LABELS[action])
            for action in row_actions(appointment, now=timezone.now())
        ]
        if appointment.payment_status == PaymentStatus.PENDING and appointment.is_active:
            links.append((reverse("frontdesk:collect", args=[appointment.pk]), "Collect payment"))
        if appointment.payment_status == PaymentStatus.PAID:
            links.append((reverse("frontdesk:receipt", args=[appointment.pk]), "Receipt"))
        board = f"{reverse('frontdesk:today')}?date={appointment.appointment_date:%Y-%m-%d}"
        links.append((board, "Day's board"))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

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
        """Run a service on each selected appointment; report successes and each refusal with its reason.

        Each success lands in the admin's history, as the Today board's actions do.
        """
        succeeded = 0
        for appointment in queryset.select_related("patient"):
            try:
                action(appointment)
            except ApplicationError as exc:
                refusal = f"{appointment.patient.name}, {appointment}: {exc.explanation}"
                self.message_user(request, refusal, messages.ERROR)
            else:
                succeeded += 1
                history_record(actor=request.user, obj=appointment, message=done[:1].upper() + done[1:])
        if succeeded:
            self.message_user(request, f"{succeeded} appointment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Confirm selected appointments", permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._apply(request, queryset, lambda a: appointment_confirm(appointment=a, actor=request.user), "confirmed")

    @admin.action(description="Reject selected appointments…", permissions=["change"])
    def reject_selected(self, request, queryset):
        """Asks for the reason on a page of its own (the patient is told it); nothing happens without one."""
        form = RejectReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda a: appointment_reject(appointment=a, actor=request.user, reason=reason),
                f"rejected: {reason}",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject appointments",
            "opts": self.model._meta,
            "appointments": queryset.select_related("patient", "doctor"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/appointments/appointment/reject_selected.html", context)

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
