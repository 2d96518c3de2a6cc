"""Admin (role `admin` only) views of the SMS log and the notification feed.

Imported from `appointments/admin.py`. Receptionists do not see these: message bodies
name patients and visits, and resending is an administrator's decision.
"""

from django.contrib import admin, messages

from appointments.models import Notification, OutboundMessage
from appointments.notifications import outbound_message_retry
from arthomed.admin_view_only import ViewOnlyAdmin
from arthomed.api.logging import mask_mobile


class AdminRoleOnlyMixin(ViewOnlyAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(AdminRoleOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "masked_recipient", "kind", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["provider_id", "appointment__id"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["retry_sending"]
    fields = [
        "masked_recipient",
        "kind",
        "body",
        "dlt_template_id",
        "status",
        "attempts",
        "last_error",
        "provider_id",
        "appointment",
        "created_at",
        "sent_at",
        "status_updated_at",
    ]
    readonly_fields = fields

    @admin.display(description="recipient")
    def masked_recipient(self, obj: OutboundMessage) -> str:
        return mask_mobile(obj.recipient)

    @admin.action(description="Retry sending the selected failed or queued messages")
    def retry_sending(self, request, queryset):
        queued = skipped = 0
        for message in queryset:
            if outbound_message_retry(message=message):
                queued += 1
                self.log_change(request, message, "Queued for sending again.")
            else:
                skipped += 1
        self.message_user(request, f"{queued} message(s) queued for sending.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} message(s) skipped: already accepted by the provider.",
                messages.WARNING,
            )


@admin.register(Notification)
class NotificationAdmin(AdminRoleOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "user_name", "kind", "title", "is_read"]
    list_filter = ["kind", "is_read", "created_at"]
    search_fields = ["title", "user__name"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "kind", "title", "body", "appointment", "is_read", "read_at", "created_at"]
    fields = readonly_fields

    @admin.display(description="user", ordering="user__name")
    def user_name(self, obj: Notification) -> str:
        return obj.user.name
