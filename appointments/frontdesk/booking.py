"""Book (a phone caller) and Walk-in (someone at the desk) in the admin (SPEC.md §10, §11).

One page, step by step through its query string: find the patient by mobile number or name (or
register a new one), choose the person (the holder, a family member, or a member added now), then
the doctor and — for a booking — the date and one of the day's free slots. The booking itself is
`appointment_book`, as from the API: created confirmed by staff, the patient gets the SMS.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import FamilyMember, FamilyRelation, Gender, User
from accounts.selectors.family import family_members_live
from accounts.selectors.people import (
    active_doctors,
    doctor_get,
    parse_uuid,
    patient_bookable_get,
    patients_bookable,
    users_matching,
)
from accounts.services.family import date_of_birth_from_age, family_member_create
from accounts.services.users import user_create
from appointments.frontdesk.common import admin_context, day_param, desk_check, report_error, staff_free_slots
from appointments.frontdesk.history import history_record
from appointments.frontdesk.today import board_url
from appointments.models import AppointmentKind, PurposeOfVisit
from appointments.services.booking import appointment_book
from arthomed.core.errors import ApplicationError
from arthomed.core.roles import Role

SEARCH_LIMIT = 20
BOOK, WALK_IN = "book", "walk-in"


class PersonFields(forms.Form):
    """Who someone is, as the desk learns it at the counter: a date of birth, or just an age."""

    name = forms.CharField(max_length=100, strip=True)
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    age = forms.IntegerField(required=False, min_value=0, max_value=130)
    gender = forms.ChoiceField(choices=Gender.choices)

    def clean(self):
        data = super().clean()
        if data.get("date_of_birth") is None and data.get("age") is None:
            raise forms.ValidationError("Give a date of birth or an age.")
        return data

    def birth_date(self):
        data = self.cleaned_data
        return data["date_of_birth"] or date_of_birth_from_age(data["age"])


class RegisterForm(PersonFields):
    mobile_number = forms.CharField(max_length=14, strip=True)


class MemberForm(PersonFields):
    relation = forms.ChoiceField(choices=FamilyRelation.choices)


class BookForm(forms.Form):
    doctor = forms.UUIDField()
    appointment_date = forms.DateField(required=False)
    appointment_time = forms.TimeField(required=False, input_formats=["%H:%M"])
    purpose_of_visit = forms.CharField(max_length=100, strip=True, initial=PurposeOfVisit.CONSULTATION.label)
    reason = forms.CharField(max_length=500, required=False, strip=True)


def _patients_matching(search: str) -> list[User]:
    patients = patients_bookable().prefetch_related(
        Prefetch(
            "family_members",
            queryset=FamilyMember.objects.filter(removed_at__isnull=True).order_by("created_at", "id"),
            to_attr="live_members",
        )
    )
    return list(users_matching(patients, search=search).order_by("name", "id")[:SEARCH_LIMIT])


def _chosen_patient(request) -> User | None:
    return patient_bookable_get(request.GET.get("patient"))


def _chosen_member(request, patient: User) -> FamilyMember | None:
    pk = parse_uuid(request.GET.get("member"))
    return family_members_live(account=patient).filter(pk=pk).first() if pk else None


def _step_url(mode: str, **params) -> str:
    name = "frontdesk:book" if mode == BOOK else "frontdesk:walk-in"
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _register(request, mode: str):
    form = RegisterForm(request.POST, prefix="register")
    if not form.is_valid():
        return None, form
    data = form.cleaned_data
    try:
        patient = user_create(
            mobile_number=data["mobile_number"],
            name=data["name"],
            role=Role.PATIENT,
            profile={"date_of_birth": form.birth_date(), "gender": data["gender"]},
        )
    except ApplicationError as exc:
        report_error(request, exc)
        return None, form
    history_record(actor=request.user, obj=patient, message="Registered at the front desk", action_flag=ADDITION)
    messages.success(request, f"{patient.name} registered.")
    return redirect(_step_url(mode, patient=patient.pk)), form


def _add_member(request, mode: str, patient: User):
    form = MemberForm(request.POST, prefix="member")
    if not form.is_valid():
        return None, form
    data = form.cleaned_data
    try:
        member = family_member_create(
            account=patient,
            data={
                "name": data["name"],
                "relation": data["relation"],
                "gender": data["gender"],
                "date_of_birth": data["date_of_birth"],
                "age": data["age"],
            },
        )
    except ApplicationError as exc:
        report_error(request, exc)
        return None, form
    history_record(actor=request.user, obj=patient, message=f"Family member added: {member.name}")
    messages.success(request, f"{member.name} added to {patient.name}'s family.")
    return redirect(_step_url(mode, patient=patient.pk, member=member.pk)), form


def _book(request, mode: str, patient: User, member: FamilyMember | None):
    form = BookForm(request.POST, prefix="book")
    if not form.is_valid():
        return None, form
    data = form.cleaned_data
    common = {
        "actor": request.user,
        "doctor_id": data["doctor"],
        "purpose_of_visit": data["purpose_of_visit"],
        "reason": data["reason"],
        "patient_id": patient.pk,
        "family_member_id": member.pk if member else None,
    }
    try:
        if mode == WALK_IN:
            appointment = appointment_book(
                **common, appointment_date=timezone.localdate(), appointment_time=None, kind=AppointmentKind.WALK_IN
            )
        else:
            if data["appointment_date"] is None or data["appointment_time"] is None:
                form.add_error(None, "Choose a date and one of its free slots.")
                return None, form
            appointment = appointment_book(
                **common, appointment_date=data["appointment_date"], appointment_time=data["appointment_time"]
            )
    except ApplicationError as exc:
        report_error(request, exc)
        return None, form
    person = member or patient
    what = "Walk-in added" if mode == WALK_IN else "Booked"
    token = f", token {appointment.token_number}" if appointment.token_number else ""
    when = f"{appointment.appointment_date:%Y-%m-%d} {appointment.appointment_time:%H:%M}"
    done = f"{what} for {person.name}: {when}{token}"
    history_record(actor=request.user, obj=appointment, message=done)
    messages.success(request, f"{done}.")
    return redirect(board_url(appointment.appointment_date)), form


def _flow(request, mode: str):
    desk_check(request)
    patient = _chosen_patient(request)
    member = _chosen_member(request, patient) if patient else None
    forms_bound: dict = {}
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "register":
            response, forms_bound["register"] = _register(request, mode)
        elif step == "member" and patient:
            response, forms_bound["member"] = _add_member(request, mode, patient)
        elif step == "book" and patient:
            response, forms_bound["book"] = _book(request, mode, patient, member)
        else:
            response = redirect(_step_url(mode))
        if response is not None:
            return response
    search = (request.GET.get("q") or "").strip()
    doctors = list(active_doctors().order_by("name", "id"))
    # After a refused booking the page shows the same doctor and day again, with the message.
    doctor_pk = parse_uuid(request.GET.get("doctor") or request.POST.get("book-doctor"))
    doctor = next((d for d in doctors if d.pk == doctor_pk), None)
    day = (
        timezone.localdate()
        if mode == WALK_IN
        else day_param(request.GET.get("date") or request.POST.get("book-appointment_date"))
    )
    slots = staff_free_slots(doctor=doctor_get(doctor.pk), day=day) if doctor and mode == BOOK else []
    initial = {"doctor": doctor.pk if doctor else None, "appointment_date": day}
    context = admin_context(
        request,
        title="Walk-in" if mode == WALK_IN else "Book an appointment",
        mode=mode,
        search=search,
        matches=_patients_matching(search) if search and not patient else [],
        patient=patient,
        members=list(family_members_live(account=patient)) if patient else [],
        member=member,
        doctors=doctors,
        doctor=doctor,
        day=day,
        slots=slots,
        register_form=forms_bound.get("register") or RegisterForm(prefix="register"),
        member_form=forms_bound.get("member") or MemberForm(prefix="member"),
        book_form=forms_bound.get("book") or BookForm(prefix="book", initial=initial),
    )
    return TemplateResponse(request, "admin/frontdesk/book.html", context)


def book(request):
    return _flow(request, BOOK)


def walk_in(request):
    return _flow(request, WALK_IN)
