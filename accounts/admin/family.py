"""Family members, read-only: a receptionist finds a child by name or the holder's number."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin.inlines import FamilyMemberInline
from accounts.models import FamilyMember
from accounts.selectors.family import age_on
from arthomed.admin_view_only import ViewOnlyAdmin


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
