"""The user admin: patients, doctors and staff, edited through the users' services."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin.forms import (
    ADDRESS_FIELDS,
    CONTACT_FIELDS,
    PATIENT_INFORMATION,
    PROFILE_DISPLAY,
    PROFILE_FIELDS,
    UserAddForm,
    UserChangeForm,
    schedule_blocks,
)
from accounts.admin.inlines import DoctorLeaveInline, DoctorProfileInline, FamilyMemberInline, ScheduleBlockInline
from accounts.models import DoctorProfile, ScheduleBlock, User
from accounts.selectors.family import age_on
from accounts.services.users import (
    DOCTOR_EDITABLE_FIELDS,
    doctor_schedule_replace,
    user_create,
    user_delete_account,
    user_profile_update,
    user_staff_update,
)
from arthomed.core.roles import Role

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
