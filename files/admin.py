"""Admins read the file register and the access log; nobody edits either here."""

from django.contrib import admin

from arthomed.admin_view_only import ViewOnlyAdmin
from arthomed.core.roles import Role
from files.models import FileAccessLog, StoredFile


class AdminOnlyReadOnly(ViewOnlyAdmin, admin.ModelAdmin):
    """Visible to admins only (receptionists never see medical file records), never editable."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and getattr(request.user, "role", None) == Role.ADMIN

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


@admin.register(FileAccessLog)
class FileAccessLogAdmin(AdminOnlyReadOnly):
    list_display = ["accessed_at", "file_name", "user", "ip_address"]
    list_filter = ["accessed_at"]
    search_fields = ["file_name", "user__name", "user__mobile_number", "ip_address"]
    list_select_related = ["user"]
    date_hierarchy = "accessed_at"


@admin.register(StoredFile)
class StoredFileAdmin(AdminOnlyReadOnly):
    list_display = ["created_at", "kind", "original_name", "mime_type", "size", "owner", "uploaded_by"]
    list_filter = ["kind", "mime_type"]
    search_fields = ["original_name", "file", "owner__name", "owner__mobile_number", "sha256"]
    list_select_related = ["owner", "uploaded_by"]
    exclude = ["file"]
    readonly_fields = ["kind", "original_name", "mime_type", "size", "sha256", "owner", "uploaded_by", "appointment"]
