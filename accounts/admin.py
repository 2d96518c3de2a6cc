"""Django admin for people.

Admins (superusers by role) see and edit everything. Receptionists are in the
"Receptionists" group (accounts/groups.py): they view patients and doctors and edit
doctors' schedules and leave, never staff accounts. Everyone signs in with mobile
number + SMS code, as in the app: there are no admin passwords.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet

from accounts.models import DoctorLeave, DoctorProfile, FamilyMember, ScheduleBlock, User
from accounts.phone import normalize_mobile
from accounts.selectors.family import age_on
from accounts.services.users import schedule_validate, user_create, user_delete_account, user_status_set
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


class ScheduleBlockInline(admin.TabularInline):
    model = ScheduleBlock
    formset = ScheduleFormSet
    fields = ["day", "start_time", "end_time", "is_available"]
    extra = 0


class DoctorLeaveInline(admin.TabularInline):
    model = DoctorLeave
    fk_name = "doctor"
    fields = ["date", "start_time", "end_time", "reason", "note"]
    extra = 0
    ordering = ["-date"]


class FamilyMemberInline(admin.TabularInline):
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

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


class UserChangeForm(PersonNameFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "mobile_number",
            "name",
            "email",
            "is_verified",
            "date_of_birth",
            "gender",
            "address",
            "emergency_contact",
            "blood_group",
            "allergies",
            "medical_history",
            "is_active",
            "status_reason",
            "groups",
        ]

    def clean_mobile_number(self):
        value = self.cleaned_data.get("mobile_number")
        if not value:  # deleted accounts have none
            return None
        try:
            return normalize_mobile(value)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower() or None

    def clean(self):
        cleaned = super().clean()
        if "is_active" in self.changed_data and not cleaned.get("is_active"):
            if not (cleaned.get("status_reason") or "").strip():
                self.add_error("status_reason", "A reason is required to deactivate a user.")
            if self.instance.pk == getattr(self, "acting_user_pk", None):
                self.add_error("is_active", "You cannot deactivate your own account.")
        return cleaned


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile_number", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["name", "mobile_number", "email"]
    ordering = ["-created_at"]
    actions = ["delete_accounts"]
    fieldsets = [
        (None, {"fields": ["mobile_number", "name", "email", "role", "is_verified"]}),
        ("Profile", {"fields": ["date_of_birth", "gender", "address", "emergency_contact"]}),
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
        if request.user.is_superuser:
            return self.fieldsets
        # Receptionists never see clinical content (SPEC.md §5): no patient information.
        return [fieldset for fieldset in self.fieldsets if fieldset[0] != PATIENT_INFORMATION]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = UserChangeForm if obj is not None else UserAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.acting_user_pk = request.user.pk
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not request.user.is_superuser:
            return [field for _, options in self.get_fieldsets(request, obj) for field in options["fields"]]
        return self.audit_fields

    def get_inlines(self, request, obj):
        if obj is not None and obj.role == Role.DOCTOR:
            return [DoctorProfileInline, ScheduleBlockInline, DoctorLeaveInline]
        if obj is not None and obj.role == Role.PATIENT:
            return [FamilyMemberInline]
        return []

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        # Receptionists "change" a doctor only through the schedule and leave inlines.
        is_doctor = obj is None or obj.role == Role.DOCTOR
        return is_doctor and (
            request.user.has_perm("accounts.change_scheduleblock")
            or request.user.has_perm("accounts.change_doctorleave")
        )

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
            return
        status_changed = "is_active" in form.changed_data
        is_active, reason = obj.is_active, obj.status_reason
        if status_changed:
            obj.is_active = form.initial["is_active"]
        obj.save()
        if status_changed:
            user_status_set(actor=request.user, user=obj, is_active=is_active, reason=reason)
            obj.refresh_from_db()

    @admin.action(description="Delete selected accounts (anonymise; clinical records are kept)")
    def delete_accounts(self, request, queryset):
        if not request.user.is_superuser:
            self.message_user(request, "Only admins can delete accounts.", messages.ERROR)
            return
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, "Delete your own account from your profile, not here.", messages.ERROR)
            return
        users = list(queryset.filter(deleted_at__isnull=True))
        for user in users:
            user_delete_account(user=user)
        self.message_user(request, f"Deleted {len(users)} account(s).", messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_accounts", None)
        return actions


@admin.register(DoctorLeave)
class DoctorLeaveAdmin(admin.ModelAdmin):
    list_display = ["doctor", "date", "start_time", "end_time", "reason", "note"]
    list_filter = ["reason", "date"]
    search_fields = ["doctor__name", "note"]
    date_hierarchy = "date"
    fields = ["doctor", "date", "start_time", "end_time", "reason", "note"]
    list_select_related = ["doctor"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "doctor":
            kwargs["queryset"] = User.objects.filter(role=Role.DOCTOR, is_active=True).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
