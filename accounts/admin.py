"""Django admin for people.

Admins (superusers by role) see and edit everything. Receptionists are in the
"Receptionists" group (accounts/groups.py): they view patients and doctors and edit
doctors' schedules and leave, never staff accounts. Everyone signs in with mobile
number + SMS code, as in the app: there are no admin passwords.
"""

import re
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import DoctorLeave, DoctorProfile, FamilyMember, ScheduleBlock, User
from accounts.phone import normalize_mobile
from accounts.selectors.family import age_on
from accounts.services.users import (
    DOCTOR_EDITABLE_FIELDS,
    doctor_schedule_replace,
    schedule_validate,
    user_create,
    user_delete_account,
    user_profile_update,
    user_staff_update,
    user_status_check,
)
from arthomed.admin_view_only import ViewOnlyAdmin
from arthomed.core.errors import ApplicationError, ValidationFailed
from arthomed.core.names import validate_person_name
from arthomed.core.roles import Role

ERROR_FIELD = re.compile(r"\[(?P<index>\d+)\]\.(?P<field>startTime|endTime)$")


class ScheduleFormSet(BaseInlineFormSet):
    """The API's schedule rules (no overlaps, start < end) apply to the admin too."""

    def clean(self):
        super().clean()
        live = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and all(form.cleaned_data.get(key) for key in ("day", "start_time", "end_time"))
        ]
        try:
            schedule_validate([form.cleaned_data for form in live])
        except ValidationFailed as exc:
            for error in exc.errors:
                match = ERROR_FIELD.search(error["field"])
                field = "start_time" if match["field"] == "startTime" else "end_time"
                live[int(match["index"])].add_error(field, error["message"])


# A time as the clinic writes it, 24-hour HH:MM, whatever the browser's locale (a native time
# input would show 12-hour times in many).
HHMM_INPUT = forms.TimeInput(format="%H:%M", attrs={"size": 5, "placeholder": "HH:MM"})


class ScheduleBlockInline(admin.TabularInline):
    model = ScheduleBlock
    formset = ScheduleFormSet
    fields = ["day", "start_time", "end_time", "is_available"]
    extra = 0
    # 24-hour HH:MM, as the clinic writes times (no seconds, no "Now" shortcut).
    formfield_overrides = {models.TimeField: {"widget": HHMM_INPUT}}
    verbose_name_plural = "Weekly schedule"


class DoctorLeaveInline(ViewOnlyAdmin, admin.TabularInline):
    """The doctor's leave, read-only here: leave is added and removed on the leave pages, through
    the leave service (its rules, and the offer to cancel the bookings inside new leave)."""

    model = DoctorLeave
    fk_name = "doctor"
    fields = ["date", "start_time", "end_time", "reason", "note"]
    readonly_fields = fields
    extra = 0
    ordering = ["-date"]
    verbose_name_plural = "Leave (add or remove it under Doctor leave)"


class FamilyMemberInline(ViewOnlyAdmin, admin.TabularInline):
    """A patient account's family (SPEC.md §11), read-only: members change through the app and booking."""

    model = FamilyMember
    fk_name = "account"
    extra = 0
    ordering = ["removed_at", "created_at"]
    DEMOGRAPHICS = ["name", "relation", "date_of_birth", "date_of_birth_estimated", "age", "gender", "removed_at"]
    CLINICAL = ["blood_group", "allergies", "medical_history"]

    def get_fields(self, request, obj=None):
        # Receptionists never see clinical content (SPEC.md §5): demographics only.
        return self.DEMOGRAPHICS + (self.CLINICAL if request.user.is_superuser else [])

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="Age")
    def age(self, member: FamilyMember) -> int | None:
        return age_on(member.date_of_birth)


@admin.register(FamilyMember)
class FamilyMemberAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    """Find a family member by name or by the holder's number; each leads to the holder's page.

    Read-only: members change through the app and the front desk's booking (the family services).
    """

    list_display = ["name", "relation", "age", "gender", "holder", "removed_at"]
    list_filter = ["relation", "gender"]
    search_fields = ["name", "account__name", "account__mobile_number"]
    list_select_related = ["account"]
    ordering = ["account__name", "name"]

    def get_fields(self, request, obj=None):
        return (
            FamilyMemberInline.DEMOGRAPHICS
            + ["holder"]
            + (FamilyMemberInline.CLINICAL if request.user.is_superuser else [])
        )

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="Age")
    def age(self, member: FamilyMember) -> int | None:
        return age_on(member.date_of_birth)

    @admin.display(description="Account holder", ordering="account__name")
    def holder(self, member: FamilyMember) -> str:
        url = reverse("admin:accounts_user_change", args=[member.account_id])
        return format_html('<a href="{}">{} ({})</a>', url, member.account.name, member.account.mobile_number or "-")


class DoctorProfileInline(admin.StackedInline):
    model = DoctorProfile
    can_delete = False
    readonly_fields = ["rating", "rating_count"]
    exclude = ["rating_total"]


class PersonNameFormMixin:
    """The project's one name rule (arthomed/core/names.py), applied when the name is set or changed."""

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if name and "name" in self.changed_data:
            validate_person_name(name)
        return name


class UserAddForm(PersonNameFormMixin, forms.ModelForm):
    # Wider than the stored 10 digits: "+91 98765 43210" is accepted and normalised.
    mobile_number = forms.CharField(max_length=20, help_text="Indian mobile number, e.g. 9876543210")

    class Meta:
        model = User
        fields = ["mobile_number", "name", "email", "role"]

    def clean_mobile_number(self):
        try:
            return normalize_mobile(self.cleaned_data["mobile_number"])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower() or None


PATIENT_INFORMATION = "Patient information"
# The address and emergency contact, stored as JSON, edited as plain fields: (form field, JSON key, label).
ADDRESS_FIELDS = [
    ("address_street", "street", "Street"),
    ("address_city", "city", "City"),
    ("address_state", "state", "State"),
    ("address_pincode", "pincode", "PIN code"),
    ("address_country", "country", "Country"),
]
CONTACT_FIELDS = [
    ("emergency_name", "name", "Emergency contact"),
    ("emergency_relationship", "relationship", "Relationship"),
    ("emergency_mobile_number", "mobile_number", "Emergency contact's mobile"),
]
PROFILE_FIELDS = ["date_of_birth", "gender", *(name for name, _, _ in ADDRESS_FIELDS + CONTACT_FIELDS)]
# What a receptionist sees of the profile: the same facts, read-only.
PROFILE_DISPLAY = ["date_of_birth", "age", "gender", "address_display", "emergency_contact_display"]


class UserChangeForm(PersonNameFormMixin, forms.ModelForm):
    """An admin's edit of an account. Shape only: the rules and the writes are the services'
    (`user_staff_update`, which applies the profile through `user_profile_update` and status
    through `user_status_set`, exactly as the API does)."""

    address_street = forms.CharField(label="Street", max_length=200, required=False)
    address_city = forms.CharField(label="City", max_length=100, required=False)
    address_state = forms.CharField(label="State", max_length=100, required=False)
    address_pincode = forms.RegexField(
        label="PIN code", regex=r"^\d{6}$", required=False, error_messages={"invalid": "A PIN code has 6 digits."}
    )
    address_country = forms.CharField(label="Country", max_length=100, required=False)
    emergency_name = forms.CharField(label="Emergency contact", max_length=100, required=False)
    emergency_relationship = forms.CharField(label="Relationship", max_length=50, required=False)
    emergency_mobile_number = forms.CharField(label="Emergency contact's mobile", max_length=20, required=False)
    allergies = forms.CharField(
        max_length=1000, required=False, help_text="Separated by commas, e.g. Penicillin, Peanuts"
    )

    class Meta:
        model = User
        fields = [
            "mobile_number",
            "name",
            "email",
            "is_verified",
            "date_of_birth",
            "gender",
            "blood_group",
            "allergies",
            "medical_history",
            "is_active",
            "status_reason",
            "groups",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {"address": self.instance.address or {}, "emergency": self.instance.emergency_contact or {}}
        for name, key, _ in ADDRESS_FIELDS:
            self.initial.setdefault(name, stored["address"].get(key, ""))
        for name, key, _ in CONTACT_FIELDS:
            self.initial.setdefault(name, stored["emergency"].get(key, ""))
        self.initial["allergies"] = ", ".join(self.instance.allergies or [])

    def clean_mobile_number(self):
        value = self.cleaned_data.get("mobile_number")
        if not value:  # deleted accounts have none
            return None
        try:
            return normalize_mobile(value)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_allergies(self) -> list[str]:
        return [item.strip() for item in (self.cleaned_data.get("allergies") or "").split(",") if item.strip()]

    def clean_emergency_mobile_number(self):
        value = (self.cleaned_data.get("emergency_mobile_number") or "").strip()
        try:
            return normalize_mobile(value) if value else ""
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower() or None

    def clean(self):
        cleaned = super().clean()
        if "is_active" in self.changed_data and "is_active" in cleaned:
            # The service's own check, shown on the form before anything is saved.
            try:
                user_status_check(
                    actor=self.acting_user,
                    user=self.instance,
                    is_active=cleaned["is_active"],
                    reason=cleaned.get("status_reason") or "",
                )
            except ValidationFailed as exc:
                self.add_error("status_reason", "; ".join(error["message"] for error in exc.errors))
            except ApplicationError as exc:
                self.add_error("is_active", exc.message)
        return cleaned

    def service_data(self) -> dict:
        """The changed fields as `user_staff_update` takes them (the profile as `PUT /api/users/profile`)."""
        changed, cleaned = set(self.changed_data), self.cleaned_data
        data = {key: cleaned[key] for key in ("mobile_number", "name", "email", "is_verified") if key in changed}
        if "is_active" in changed:
            data["is_active"], data["status_reason"] = cleaned["is_active"], cleaned.get("status_reason") or ""
        profile = {key: cleaned[key] for key in ("date_of_birth", "gender") if key in changed}
        address = {key: cleaned[name] for name, key, _ in ADDRESS_FIELDS if name in changed}
        contact = {key: cleaned[name] for name, key, _ in CONTACT_FIELDS if name in changed}
        if address:
            profile["address"] = address
        if contact:
            profile["emergency_contact"] = contact
        if profile:
            data["profile"] = profile
        patient_info = {key: cleaned[key] for key in ("blood_group", "allergies", "medical_history") if key in changed}
        if patient_info:
            data["patient_info"] = patient_info
        return data


# The patient's appointments on their page, rendered by the appointments app (which depends on
# accounts; accounts never imports it): `patient_appointments_renderer` sets it at import time.
_patient_appointments: list[Callable[[User], str]] = []


def patient_appointments_renderer(render: Callable[[User], str]) -> Callable[[User], str]:
    """Decorator: `render(patient)` gives the HTML of the patient's appointments for their page."""
    _patient_appointments[:] = [render]
    return render


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile_number", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["name", "mobile_number", "email"]
    ordering = ["-created_at"]
    actions = ["delete_accounts"]
    fieldsets = [
        (None, {"fields": ["mobile_number", "name", "email", "role", "is_verified"]}),
        ("Profile", {"fields": PROFILE_FIELDS}),
        (PATIENT_INFORMATION, {"fields": ["blood_group", "allergies", "medical_history"]}),
        (
            "Status",
            {"fields": ["is_active", "status_reason", "status_updated_at", "status_updated_by", "deleted_at"]},
        ),
        ("Admin access", {"fields": ["groups"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    add_fieldsets = [(None, {"fields": ["mobile_number", "name", "email", "role"]})]
    # A role is chosen at creation: changing it would strand role-specific data (doctor profile, bookings).
    audit_fields = ["role", "status_updated_at", "status_updated_by", "deleted_at", "created_at", "updated_at"]

    def get_queryset(self, request):
        users = super().get_queryset(request).select_related("doctor_profile")
        if request.user.is_superuser:
            return users
        # Front office: the clinic's patients and doctors, never staff accounts.
        return users.filter(role__in=[Role.PATIENT, Role.DOCTOR])

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        fieldsets = self.fieldsets
        if obj.role in (Role.PATIENT, Role.DOCTOR):  # admin access (groups) is for staff accounts
            fieldsets = [fieldset for fieldset in fieldsets if fieldset[0] != "Admin access"]
        if not request.user.is_superuser:
            # Receptionists read the profile as text, and never see clinical content (SPEC.md §5)
            # nor who may use the admin; a doctor's page is their week, not a patient's profile.
            hidden = {PATIENT_INFORMATION} | ({"Profile"} if obj.role == Role.DOCTOR else set())
            fieldsets = [
                (title, {"fields": PROFILE_DISPLAY} if title == "Profile" else options)
                for title, options in fieldsets
                if title not in hidden
            ]
        if obj.role == Role.DOCTOR:
            fieldsets = [*fieldsets, ("Leave", {"fields": ["leave_links"]})]
        if obj.role == Role.PATIENT and _patient_appointments:
            fieldsets = [*fieldsets[:2], ("Appointments", {"fields": ["appointments"]}), *fieldsets[2:]]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = UserChangeForm if obj is not None else UserAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.acting_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not request.user.is_superuser:
            return [field for _, options in self.get_fieldsets(request, obj) for field in options["fields"]]
        return [*self.audit_fields, "appointments", "leave_links"]

    def get_inlines(self, request, obj):
        if obj is not None and obj.role == Role.DOCTOR:
            return [DoctorProfileInline, ScheduleBlockInline, DoctorLeaveInline]
        if obj is not None and obj.role == Role.PATIENT:
            return [FamilyMemberInline]
        return []

    @admin.display(description="Age")
    def age(self, user: User) -> str:
        age = age_on(user.date_of_birth)
        return "-" if age is None else str(age)

    @admin.display(description="Leave")
    def leave_links(self, user: User) -> str:
        add = reverse("admin:accounts_doctorleave_add")
        listing = reverse("admin:accounts_doctorleave_changelist")
        return format_html(
            '<a href="{}?doctor={}">Add leave or blocked time</a> · <a href="{}?q={}">All of this doctor\'s leave</a>',
            add,
            user.pk,
            listing,
            user.name,
        )

    @admin.display(description="Appointments")
    def appointments(self, user: User) -> str:
        return _patient_appointments[0](user) if _patient_appointments else ""

    @admin.display(description="Address")
    def address_display(self, user: User) -> str:
        address = user.address or {}
        parts = [address.get(key) for _, key, _ in ADDRESS_FIELDS]
        return ", ".join(part for part in parts if part) or "-"

    @admin.display(description="Emergency contact")
    def emergency_contact_display(self, user: User) -> str:
        contact = user.emergency_contact or {}
        if not any(contact.get(key) for _, key, _ in CONTACT_FIELDS):
            return "-"
        relation = f" ({contact['relationship']})" if contact.get("relationship") else ""
        return f"{contact.get('name') or ''}{relation} {contact.get('mobile_number') or ''}".strip()

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        # Receptionists "change" a doctor only through the schedule inline.
        is_doctor = obj is None or obj.role == Role.DOCTOR
        return is_doctor and request.user.has_perm("accounts.change_scheduleblock")

    def has_delete_permission(self, request, obj=None):
        # Rows carry clinical records; accounts are deleted by anonymising (the action below).
        return False

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        data = form.cleaned_data
        form.instance = user_create(
            mobile_number=data["mobile_number"],
            name=data["name"],
            role=data["role"],
            email=data["email"],
            is_verified=True,
        )
        return form.save(commit=False)

    def save_model(self, request, obj, form, change):
        if not change:
            return  # created by `user_create` in save_form
        data = form.service_data() if isinstance(form, UserChangeForm) else {}
        if data:
            user_staff_update(actor=request.user, user=obj, data=data)

    def save_formset(self, request, form, formset, change):
        """Inlines write through the services too: the week through `doctor_schedule_replace`,
        the doctor's profile through `user_profile_update`."""
        doctor = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is ScheduleBlock:
            if formset.has_changed():
                doctor_schedule_replace(doctor=doctor, schedule=schedule_blocks(formset))
            return
        if formset.model is DoctorProfile:
            for profile_form in formset.forms:
                if profile_form.has_changed() and profile_form.cleaned_data:
                    fields = profile_form.cleaned_data
                    info = {key: fields[key] for key in DOCTOR_EDITABLE_FIELDS if key in fields}
                    user_profile_update(user=doctor, data={"doctor_info": info})
            return
        # Read-only inlines (family, leave, appointments) have nothing to save.

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        for formset in formsets or []:
            if formset.model in (ScheduleBlock, DoctorProfile) and formset.has_changed():
                name = "weekly schedule" if formset.model is ScheduleBlock else "doctor profile"
                message.append({"changed": {"name": name, "object": str(form.instance), "fields": ["entries"]}})
        return message

    @admin.action(description="Delete selected accounts (anonymise; clinical records are kept)")
    def delete_accounts(self, request, queryset):
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, "Delete your own account from your profile, not here.", messages.ERROR)
            return
        users = list(queryset.filter(deleted_at__isnull=True))
        for user in users:
            user_delete_account(user=user)
            self.log_change(request, user, "Deleted the account (anonymised; clinical records kept).")
        self.message_user(request, f"Deleted {len(users)} account(s).", messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_accounts", None)
        return actions


def schedule_blocks(formset) -> list[dict]:
    """The week a schedule formset describes, as `doctor_schedule_replace` takes it."""
    return [
        {key: form.cleaned_data[key] for key in ("day", "start_time", "end_time", "is_available")}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
