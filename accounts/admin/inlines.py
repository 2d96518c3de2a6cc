"""Inlines on a user's page: a doctor's week, profile and leave, a patient's family."""

from django.contrib import admin
from django.db import models

from accounts.admin.forms import HHMM_INPUT, ScheduleFormSet
from accounts.models import DoctorLeave, DoctorProfile, FamilyMember, ScheduleBlock
from accounts.selectors.family import age_on
from arthomed.admin_view_only import ViewOnlyAdmin


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


class DoctorProfileInline(admin.StackedInline):
    model = DoctorProfile
    can_delete = False
    readonly_fields = ["rating", "rating_count"]
    exclude = ["rating_total"]
