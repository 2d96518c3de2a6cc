"""Front-desk money pages (SPEC.md §10): collect a payment, print its receipt, refunds owed, day close.

Plain views, wrapped by `frontdesk_page` in urls.py (admin sign-in, receptionist or admin, the admin's
403 otherwise) and rendered in the admin's layout. They read through selectors and act through
the payment services, recording each action in the admin's history. No clinical content:
receipts and lists show people, doctors, times and money only.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.selectors.family import appointment_person
from appointments.frontdesk.history import history_record
from appointments.models import PaymentMethod, PaymentStatus
from appointments.receipts import receipt_for, receipt_pdf
from appointments.selectors.appointments import appointment_get_for
from appointments.selectors.payments import has_receipt, refunds_owed
from appointments.services.lifecycle import appointment_payment_record, appointment_refund_process
from arthomed.api.fields import CLINIC_MAX_YEAR, CLINIC_MIN_YEAR
from arthomed.api.responses import attachment
from arthomed.core.errors import ApplicationError, AppointmentNotFound, PaymentNotRecorded
from arthomed.core.roles import Role
from dashboard.selectors import day_report, day_report_csv

FRONT_DESK_METHODS = [
    (method.value, method.label)
    for method in (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.UPI, PaymentMethod.INSURANCE)
]


def _context(request, title: str, **extra) -> dict:
    return admin.site.each_context(request) | {"title": title, **extra}


def _appointment(request, appointment_id) -> object:
    try:
        return appointment_get_for(request.user, appointment_id)
    except AppointmentNotFound as error:
        raise Http404("No such appointment") from error


def _form_error(form: forms.Form, error: ApplicationError) -> None:
    """A service refusal shown on the form: field errors on their fields, anything else on top."""
    fields = {"transactionId": "reference", "transaction_id": "reference"}
    for item in error.errors:
        field = fields.get(item.get("field"), item.get("field"))
        form.add_error(field if field in form.fields else None, item.get("message") or error.message)
    if not error.errors:
        form.add_error(None, error.explanation)


# --- Collect a payment ------------------------------------------------------------------


class CollectForm(forms.Form):
    method = forms.ChoiceField(choices=FRONT_DESK_METHODS, initial=PaymentMethod.CASH)
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    reference = forms.CharField(max_length=100, required=False, help_text="UPI / card transaction id, claim number")
    note = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Required above the fee"
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if actor.role != Role.ADMIN:  # only an admin may take more than the fee, with a note
            del self.fields["note"]


def collect(request, appointment_id):
    appointment = _appointment(request, appointment_id)
    if has_receipt(appointment) and appointment.payment_status == PaymentStatus.PAID and request.method == "GET":
        messages.info(request, f"Already paid: receipt {appointment.receipt_number}.")
    initial = {"amount": appointment.payment_amount or appointment.fee, "reference": appointment.transaction_id}
    if appointment.payment_method in dict(FRONT_DESK_METHODS):
        initial["method"] = appointment.payment_method
    form = CollectForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = appointment_payment_record(
                appointment=appointment,
                actor=request.user,
                status=PaymentStatus.PAID,
                method=data["method"],
                amount=data["amount"],
                transaction_id=data["reference"],
                note=data.get("note", ""),
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            history_record(
                actor=request.user,
                obj=appointment,
                message=f"Payment recorded: ₹{appointment.payment_amount:.2f} {appointment.payment_method}, "
                f"receipt {appointment.receipt_number}",
            )
            messages.success(request, f"Payment recorded. Receipt {appointment.receipt_number}.")
            return redirect("frontdesk:receipt", appointment_id=appointment.pk)
    context = _context(
        request,
        "Collect payment",
        appointment=appointment,
        person=appointment_person(appointment),
        form=form,
        has_receipt=has_receipt(appointment),
    )
    return render(request, "admin/frontdesk/collect.html", context)


# --- Receipt --------------------------------------------------------------------------------


def receipt(request, appointment_id):
    appointment = _appointment(request, appointment_id)
    try:
        receipt = receipt_for(appointment)
    except PaymentNotRecorded:
        messages.warning(request, "No payment recorded yet: collect it first.")
        return redirect("frontdesk:collect", appointment_id=appointment.pk)
    context = _context(
        request,
        f"Receipt {appointment.receipt_number}",
        appointment=appointment,
        receipt=receipt,
        pdf_url=reverse("frontdesk:receipt-pdf", kwargs={"appointment_id": appointment.pk}),
    )
    return render(request, "admin/frontdesk/receipt.html", context)


def receipt_pdf_download(request, appointment_id):
    """The same PDF as `GET /api/appointments/:id/receipt`, for the admin's signed-in session."""
    try:
        receipt = receipt_for(_appointment(request, appointment_id))
    except PaymentNotRecorded as error:
        raise Http404("No payment recorded") from error
    return attachment(receipt_pdf(receipt), content_type="application/pdf", filename=receipt.filename)


# --- Refunds owed ---------------------------------------------------------------------------


class RefundForm(forms.Form):
    method = forms.ChoiceField(choices=FRONT_DESK_METHODS, initial=PaymentMethod.CASH)
    reference = forms.CharField(max_length=100, required=False)
    confirm = forms.BooleanField(required=True, label="I have handed the refund back")


def refunds(request):
    failed_form = None
    if request.method == "POST":
        appointment = _appointment(request, request.POST.get("appointment", ""))
        form = RefundForm(request.POST, prefix=str(appointment.pk))
        if form.is_valid():
            try:
                appointment = appointment_refund_process(
                    actor=request.user,
                    appointment=appointment,
                    method=form.cleaned_data["method"],
                    reference=form.cleaned_data["reference"],
                )
            except ApplicationError as error:
                messages.error(request, f"Refund not processed: {error.explanation}")
                return redirect("frontdesk:refunds")
            history_record(
                actor=request.user,
                obj=appointment,
                message=f"Refund processed: ₹{appointment.refund_amount:.2f} by {appointment.refund_method}",
            )
            messages.success(
                request, f"Refund of ₹{appointment.refund_amount:.2f} to {appointment.patient.name} processed."
            )
            return redirect("frontdesk:refunds")
        failed_form = (appointment.pk, form)
    rows = []
    for appointment in refunds_owed():
        if failed_form and failed_form[0] == appointment.pk:
            form = failed_form[1]
        else:
            form = RefundForm(prefix=str(appointment.pk))
        rows.append({"appointment": appointment, "person": appointment_person(appointment), "form": form})
    return render(request, "admin/frontdesk/refunds.html", _context(request, "Refunds owed", rows=rows))


# --- Day close ------------------------------------------------------------------------------


class DayForm(forms.Form):
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and not CLINIC_MIN_YEAR <= day.year <= CLINIC_MAX_YEAR:
            raise forms.ValidationError(f"Date must be between {CLINIC_MIN_YEAR} and {CLINIC_MAX_YEAR}")
        return day


def day_close(request):
    form = DayForm(request.GET or None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["date"]:
        day = form.cleaned_data["date"]
    wants_csv = request.GET.get("format") == "csv"
    if wants_csv and form.is_bound and not form.is_valid():  # never a file of another day than asked
        return HttpResponse("Bad date: use YYYY-MM-DD.", status=400, content_type="text/plain; charset=utf-8")
    report = day_report(day)
    if wants_csv:
        response = HttpResponse(day_report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="day-close-{day.isoformat()}.csv"'
        return response
    url = reverse("frontdesk:day-close")
    context = _context(
        request,
        f"Day close · {day:%a %d %b %Y}",
        form=form,
        day=day,
        report=report,
        previous_url=f"{url}?date={day - dt.timedelta(days=1):%Y-%m-%d}" if day.year > CLINIC_MIN_YEAR else None,
        next_url=f"{url}?date={day + dt.timedelta(days=1):%Y-%m-%d}" if day.year < CLINIC_MAX_YEAR else None,
        csv_url=f"{url}?date={day:%Y-%m-%d}&format=csv",
    )
    return render(request, "admin/frontdesk/day_close.html", context)
