"""The Today board (SPEC.md §10): the receptionist's landing page, and its row actions.

Each action is a POST to `appointment_act`, which calls the same service as the API, shows a
refusal as an admin error message and records what was done in the admin's history. Reject and
cancel ask for a reason on a page of their own; reschedule offers the free slots of a day.
"""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.selectors.people import doctor_get
from appointments.frontdesk.board import board_get, pending_count
from appointments.frontdesk.common import (
    admin_context,
    day_param,
    desk_check,
    report_error,
    safe_next,
    staff_free_slots,
)
from appointments.frontdesk.history import history_record
from appointments.models import AppointmentStatus
from appointments.selectors.appointments import appointment_get_for
from appointments.selectors.payments import refunds_owed
from appointments.services.booking import appointment_reschedule
from appointments.services.lifecycle import (
    appointment_cancel,
    appointment_confirm,
    appointment_reject,
    appointment_status_update,
)
from arthomed.core.errors import ApplicationError

# Seconds between the board's own refreshes (SPEC.md §10: at most 30).
REFRESH_SECONDS = 30
ACTIONS = ("check-in", "confirm", "reject", "no-show", "cancel", "reschedule")
NEEDS_REASON = {"reject": "Reject", "cancel": "Cancel"}


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class RescheduleForm(forms.Form):
    appointment_date = forms.DateField()
    appointment_time = forms.TimeField(input_formats=["%H:%M"])


class DelayForm(forms.Form):
    minutes = forms.IntegerField(min_value=0, max_value=240)
    note = forms.CharField(max_length=200, required=False, strip=True)


def board_url(day: date) -> str:
    return f"{reverse('frontdesk:today')}?date={day:%Y-%m-%d}"


def _board_context(request, day: date) -> dict:
    today = timezone.localdate()
    return {
        "day": day,
        "today": today,
        "is_today": day == today,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "columns": board_get(day=day),
        "pending": pending_count(),
        "refunds_owed": refunds_owed().count(),
        "here": board_url(day),
        "refresh_seconds": REFRESH_SECONDS,
    }


def today(request):
    desk_check(request)
    day = day_param(request.GET.get("date"))
    context = admin_context(request, title=f"Today · {day:%a %d %b %Y}", **_board_context(request, day))
    return TemplateResponse(request, "admin/frontdesk/today.html", context)


def today_board(request):
    """The board alone (no page around it): what the page's refresh fetches and swaps in."""
    desk_check(request)
    day = day_param(request.GET.get("date"))
    return TemplateResponse(request, "admin/frontdesk/_board.html", _board_context(request, day))


def _appointment(request, appointment_id):
    try:
        return appointment_get_for(request.user, appointment_id)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc


def _run(request, appointment, action: str, data: dict) -> str:
    """Call the action's service; answer the history line."""
    actor = request.user
    if action == "confirm":
        appointment_confirm(appointment=appointment, actor=actor)
        return "Confirmed"
    if action == "reject":
        appointment_reject(appointment=appointment, actor=actor, reason=data["reason"])
        return f"Rejected: {data['reason']}"
    if action == "cancel":
        appointment_cancel(appointment=appointment, actor=actor, reason=data["reason"])
        return f"Cancelled: {data['reason']}"
    if action == "no-show":
        appointment_status_update(appointment=appointment, actor=actor, status=AppointmentStatus.NO_SHOW)
        return "Marked no-show"
    if action == "reschedule":
        moved = appointment_reschedule(actor=actor, appointment=appointment, **data)
        return f"Rescheduled to {moved.appointment_date:%Y-%m-%d} {moved.appointment_time:%H:%M}"
    # check-in: the queue service (SPEC.md §12), imported here as it lives with the queue.
    from appointments.services.queue import appointment_check_in

    checked = appointment_check_in(actor=actor, appointment=appointment)
    return f"Checked in (token {checked.token_number})"


TITLES = {
    "check-in": "Check in",
    "confirm": "Confirm",
    "no-show": "Mark no-show",
    "reject": "Reject",
    "cancel": "Cancel",
    "reschedule": "Reschedule",
}


def _form_page(request, appointment, action: str, form, *, slots=None, slot_day=None):
    if action == "reschedule":
        template = "admin/frontdesk/reschedule.html"
    elif action in NEEDS_REASON:
        template = "admin/frontdesk/reason.html"
    else:
        template = "admin/frontdesk/confirm.html"
    context = admin_context(
        request,
        title=f"{TITLES[action]}: appointment",
        appointment=appointment,
        person=appointment.family_member or appointment.patient,
        action=action,
        form=form,
        slots=slots,
        slot_day=slot_day,
        next=safe_next(request, board_url(appointment.appointment_date)),
    )
    return TemplateResponse(request, template, context)


def _reschedule_page(request, appointment, form):
    slot_day = day_param(request.GET.get("day") or request.POST.get("appointment_date") or "")
    if not (request.GET.get("day") or request.POST.get("appointment_date")):
        slot_day = max(appointment.appointment_date, timezone.localdate())
    doctor = doctor_get(appointment.doctor_id, active_only=False)
    slots = staff_free_slots(doctor=doctor, day=slot_day, exclude_appointment_id=appointment.pk)
    return _form_page(request, appointment, "reschedule", form, slots=slots, slot_day=slot_day)


def _confirmation_step(request, appointment, action: str):
    """What a GET shows, changing nothing: the reason page (reject, cancel), the free slots (reschedule), or
    a one-button confirmation (the links of the appointment's change page; the board posts directly)."""
    if action == "reschedule":
        return _reschedule_page(request, appointment, RescheduleForm())
    return _form_page(request, appointment, action, ReasonForm() if action in NEEDS_REASON else None)


def appointment_act(request, appointment_id, action: str):
    """GET: the confirmation step (reject, cancel, reschedule); POST: do it through the service."""
    desk_check(request)
    if action not in ACTIONS:
        raise Http404("Unknown action")
    appointment = _appointment(request, appointment_id)
    if request.method != "POST":
        return _confirmation_step(request, appointment, action)
    back = safe_next(request, board_url(appointment.appointment_date))
    data: dict = {}
    if action in NEEDS_REASON or action == "reschedule":
        form = (ReasonForm if action in NEEDS_REASON else RescheduleForm)(request.POST)
        if not form.is_valid():  # nothing happens without a reason or a slot: the step again, with the error
            if action == "reschedule":
                return _reschedule_page(request, appointment, form)
            return _form_page(request, appointment, action, form)
        data = form.cleaned_data
    try:
        done = _run(request, appointment, action, data)
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        history_record(actor=request.user, obj=appointment, message=done)
        person = appointment.family_member or appointment.patient
        messages.success(request, f"{person.name}, {appointment.appointment_time:%H:%M}: {done}.")
    return redirect(back)


@require_POST
def doctor_delay(request, doctor_id):
    """The running-late delay of a doctor's day (today), through the queue's delay service."""
    desk_check(request)
    try:
        doctor = doctor_get(doctor_id, active_only=False)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    back = safe_next(request, board_url(timezone.localdate()))
    form = DelayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Delay: enter whole minutes from 0 to 240.")
        return redirect(back)
    from appointments.services.queue import doctor_delay_set

    try:
        doctor_delay_set(actor=request.user, doctor=doctor, **form.cleaned_data)
    except ApplicationError as exc:
        report_error(request, exc)
        return redirect(back)
    minutes = form.cleaned_data["minutes"]
    done = f"Running {minutes} min late" if minutes else "Delay cleared"
    history_record(actor=request.user, obj=doctor, message=done)
    messages.success(request, f"{doctor.name}: {done}.")
    return redirect(back)
