"""Forms of the people admin: the weekly schedule formset, adding and changing a user."""

import re

from django import forms
from django.forms.models import BaseInlineFormSet

from accounts.models import User
from accounts.phone import normalize_mobile
from accounts.services.users import (
    schedule_validate,
    user_status_check,
)
from arthomed.core.errors import ApplicationError, ValidationFailed
from arthomed.core.names import validate_person_name

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


def schedule_blocks(formset) -> list[dict]:
    """The week a schedule formset describes, as `doctor_schedule_replace` takes it."""
    return [
        {key: form.cleaned_data[key] for key in ("day", "start_time", "end_time", "is_available")}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
