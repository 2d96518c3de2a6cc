"""Records and schedules in the Django admin (SPEC.md §10 "Records"), from the appointments side.

Two pieces need appointments code and so live here, not in accounts/admin/ (accounts
never imports appointments; an import-graph test holds that):

- the patient's appointments on their page (`/admin/accounts/user/<id>/change/`), a table
  rendered here and handed to the people admin through `patient_appointments_renderer`;
- the doctor-leave pages: leave is added and removed through the leave service (its rules,
  exactly as `POST /api/users/doctors/:id/leaves`), and new leave over existing bookings
  lists them with one action, "cancel these bookings and tell the patients", which cancels
  each through the cancel service (`appointments.services.leave_bookings`).

Imported by `AppointmentsConfig.ready()`. Views are adapters: they read through selectors and
act through services, and record what they did in the admin's history.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin import HHMM_INPUT, patient_appointments_renderer
from accounts.models import DoctorLeave, User
from accounts.services.leaves import doctor_leave_create, doctor_leave_delete
from appointments.models import Appointment
from appointments.selectors.slots import appointments_during_leave
from appointments.services.leave_bookings import (
    LEAVE_CANCELLATION_REASON,
    leave_bookings_cancel,
    leave_bookings_cancellable,
)
from arthomed.core.errors import ApplicationError, ValidationFailed
from arthomed.core.roles import Role

PATIENT_PAGE_ROWS = 50
# The API's error field names, as the form's.
LEAVE_FORM_FIELDS = {"date": "date", "startTime": "start_time", "endTime": "end_time", "reason": "reason"}


def _hhmm(value) -> str:
    return value.strftime("%H:%M") if value else ""


def _person(appointment: Appointment) -> str:
    member = appointment.family_member
    return f"{member.name} ({member.relation})" if member else appointment.patient.name


@patient_appointments_renderer
def patient_appointments_table(patient: User) -> str:
    """The patient's appointments (the family's too), newest first: no clinical field."""
    appointments = (
        Appointment.objects.filter(patient=patient).select_related("doctor", "family_member").order_by("-starts_at")
    )
    total = appointments.count()
    if not total:
        return "No appointments yet."
    rows = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                reverse("admin:appointments_appointment_change", args=[appointment.pk]),
                appointment.appointment_date.strftime("%a %d %b %Y"),
                _hhmm(appointment.appointment_time),
                appointment.doctor.name,
                _person(appointment),
                appointment.get_status_display(),
                appointment.get_payment_status_display(),
            )
            for appointment in appointments[:PATIENT_PAGE_ROWS]
        ),
    )
    more = ""
    if total > PATIENT_PAGE_ROWS:
        listing = reverse("admin:appointments_appointment_changelist")
        more = format_html(
            '<p><a href="{}?q={}">All {} appointments</a></p>', listing, patient.mobile_number or patient.name, total
        )
    return format_html(
        '<table class="record-appointments"><thead><tr><th>Date</th><th>Time</th><th>Doctor</th><th>Person</th>'
        "<th>Status</th><th>Payment</th></tr></thead><tbody>{}</tbody></table>{}",
        rows,
        more,
    )


class LeaveForm(forms.Form):
    """The leave's fields, shape only: the rules are `doctor_leave_create`'s."""

    doctor = forms.ModelChoiceField(queryset=User.objects.none())
    date = forms.DateField(widget=AdminDateWidget)
    start_time = forms.TimeField(required=False, widget=HHMM_INPUT, help_text="HH:MM, 24-hour; empty for the whole day")
    end_time = forms.TimeField(required=False, widget=HHMM_INPUT)
    reason = forms.ChoiceField(choices=DoctorLeave._meta.get_field("reason").choices)
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].queryset = User.objects.filter(role=Role.DOCTOR, is_active=True).order_by("name")


class CancelBookingsForm(forms.Form):
    reason = forms.CharField(max_length=500, initial=LEAVE_CANCELLATION_REASON, label="Reason given to the patients")


class UpcomingFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Today and later"), ("past", "Past")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "upcoming":
            return queryset.filter(date__gte=today)
        if self.value() == "past":
            return queryset.filter(date__lt=today)
        return queryset


@admin.register(DoctorLeave)
class DoctorLeaveAdmin(admin.ModelAdmin):
    list_display = ["doctor", "date", "hours", "reason", "note", "bookings"]
    list_filter = ["reason", UpcomingFilter]
    search_fields = ["doctor__name", "note"]
    date_hierarchy = "date"
    fields = ["doctor", "date", "start_hhmm", "end_hhmm", "reason", "note", "created_by", "created_at", "bookings"]
    readonly_fields = fields
    list_select_related = ["doctor"]
    ordering = ["-date", "start_time"]

    def has_change_permission(self, request, obj=None):
        # Leave is added or removed, never edited (as in the API).
        return False

    def get_urls(self):
        urls = [
            path(
                "<uuid:leave_id>/bookings/",
                self.admin_site.admin_view(self.bookings_view),
                name="accounts_doctorleave_bookings",
            ),
        ]
        return urls + super().get_urls()

    @admin.display(description="Time")
    def hours(self, leave: DoctorLeave) -> str:
        return f"{_hhmm(leave.start_time)}-{_hhmm(leave.end_time)}" if leave.start_time else "whole day"

    @admin.display(description="From")
    def start_hhmm(self, leave: DoctorLeave) -> str:
        return _hhmm(leave.start_time) or "whole day"

    @admin.display(description="To")
    def end_hhmm(self, leave: DoctorLeave) -> str:
        return _hhmm(leave.end_time)

    @admin.display(description="Bookings")
    def bookings(self, leave: DoctorLeave) -> str:
        count = leave_bookings_cancellable(leave).count()
        if not count:
            return "-"
        url = reverse("admin:accounts_doctorleave_bookings", args=[leave.pk])
        return format_html('<a href="{}">{} to cancel</a>', url, count)

    # --- add: through doctor_leave_create --------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise DjangoPermissionDenied
        form = LeaveForm(request.POST or None, initial={"doctor": request.GET.get("doctor")})
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            doctor = data.pop("doctor")
            try:
                leave = doctor_leave_create(actor=request.user, doctor=doctor, **data)
            except ValidationFailed as exc:
                for error in exc.errors:
                    form.add_error(LEAVE_FORM_FIELDS.get(error.get("field")), error["message"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.log_addition(request, leave, [{"added": {}}])
                if leave_bookings_cancellable(leave).exists():
                    return redirect("admin:accounts_doctorleave_bookings", leave.pk)
                self.message_user(request, f"Leave added for {doctor.name} on {leave.date:%d %b %Y}.", messages.SUCCESS)
                return redirect("admin:accounts_doctorleave_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Add doctor leave",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/records/leave_add.html", context)

    # --- the bookings inside a leave: one action cancels them all ---------------------------------

    def bookings_view(self, request, leave_id):
        if not self.has_add_permission(request):
            raise DjangoPermissionDenied
        leave = get_object_or_404(DoctorLeave.objects.select_related("doctor"), pk=leave_id)
        form = CancelBookingsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                cancelled = leave_bookings_cancel(leave=leave, actor=request.user, reason=form.cleaned_data["reason"])
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return redirect("admin:accounts_doctorleave_bookings", leave.pk)
            for appointment in cancelled:
                self.log_change(request, appointment, f"Cancelled: {form.cleaned_data['reason']} (doctor's leave).")
            self.log_change(request, leave, f"Cancelled the {len(cancelled)} booking(s) inside this leave.")
            self.message_user(
                request,
                f"Cancelled {len(cancelled)} booking(s); the patients are told by SMS.",
                messages.SUCCESS,
            )
            return redirect("admin:accounts_doctorleave_changelist")
        inside = list(appointments_during_leave(leave))
        cancellable = {appointment.pk for appointment in leave_bookings_cancellable(leave)}
        context = {
            **self.admin_site.each_context(request),
            "title": f"Bookings inside {leave.doctor.name}'s leave",
            "opts": self.opts,
            "leave": leave,
            "leave_from": _hhmm(leave.start_time) or "whole day",
            "leave_to": _hhmm(leave.end_time),
            "rows": [
                {
                    "appointment": appointment,
                    "time": _hhmm(appointment.appointment_time),
                    "person": _person(appointment),
                    "url": reverse("admin:appointments_appointment_change", args=[appointment.pk]),
                    "cancellable": appointment.pk in cancellable,
                }
                for appointment in inside
            ],
            "cancellable_count": len(cancellable),
            "form": form,
        }
        return TemplateResponse(request, "admin/records/leave_bookings.html", context)

    # --- delete: through doctor_leave_delete (Django records the deletions) -----------------------

    def delete_model(self, request, obj):
        doctor_leave_delete(actor=request.user, leave=obj)

    def delete_queryset(self, request, queryset):
        for leave in queryset.select_related("doctor"):
            doctor_leave_delete(actor=request.user, leave=leave)
