"""`/api/notifications...`: the in-app feed (SPEC.md §7), and Twilio's SMS delivery-status callback."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.viewsets import GenericViewSet
from twilio.request_validator import RequestValidator

from appointments.filters import NotificationFilter
from appointments.models import Notification
from appointments.notifications import (
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
    notification_unread_count,
    outbound_message_record_status,
)
from appointments.serializers.notifications import (
    NotificationOutputSerializer,
    NotificationPageOutputSerializer,
    NotificationsReadAllOutputSerializer,
    SmsStatusCallbackInputSerializer,
    SmsStatusCallbackOutputSerializer,
)
from arthomed.api.inputs import validated
from arthomed.api.pagination import pagination_meta
from arthomed.api.responses import ok
from arthomed.api.schema import data_of
from arthomed.core.errors import PermissionDenied

TAGS = ["notifications"]
ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The notification's `_id`")


def twilio_signature_valid(request) -> bool:
    if not settings.TWILIO_AUTH_TOKEN:
        return False
    # Twilio signs the exact URL it was given; behind a proxy the configured one is the truth.
    url = settings.TWILIO_STATUS_CALLBACK_URL or request.build_absolute_uri()
    signature = request.headers.get("X-Twilio-Signature", "")
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.data, signature)


# Everyone sees and marks only their own feed; Twilio posts delivery reports here too.
class NotificationViewSet(mixins.ListModelMixin, GenericViewSet):
    # The model, for the schema; requests read only the caller's own rows (`get_queryset`).
    queryset = Notification.objects.none()
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"
    filterset_class = NotificationFilter

    def get_queryset(self):
        return notification_list(user=self.request.user)

    # `many=False`: the page is one object, not a list for drf-spectacular to wrap again.
    @extend_schema(
        tags=TAGS,
        operation_id="notifications_list",
        responses=extend_schema_serializer(many=False)(NotificationPageOutputSerializer),
    )
    def list(self, request):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        paginator = self.paginator
        data = {
            "items": NotificationOutputSerializer(rows, many=True).data,
            "pagination": pagination_meta(page=paginator.page, limit=paginator.limit, total=paginator.total),
            "unread_count": notification_unread_count(user=request.user),
        }
        return ok(data, "Notifications retrieved successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_mark_read",
        parameters=[ID],
        request=None,
        responses=data_of("NotificationData", notification=NotificationOutputSerializer),
    )
    @action(detail=True, methods=["put"])
    def read(self, request, id: str):
        notification = notification_mark_read(user=request.user, notification_id=id)
        return ok({"notification": NotificationOutputSerializer(notification).data}, "Notification marked as read")

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_mark_all_read",
        request=None,
        responses=NotificationsReadAllOutputSerializer,
    )
    @action(detail=False, methods=["put"], url_path="read-all")
    def read_all(self, request):
        updated = notification_mark_all_read(user=request.user)
        return ok({"updated": updated, "unread_count": 0}, "All notifications marked as read")

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_sms_status_callback",
        request={"application/x-www-form-urlencoded": SmsStatusCallbackInputSerializer},
        responses=SmsStatusCallbackOutputSerializer,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="sms-status",
        permission_classes=[AllowAny],
        # Twilio's own field names are signed as sent: no camelCase conversion of the form.
        parser_classes=[FormParser],
        # Reports come in bursts from Twilio's shared addresses; the signature check is the guard.
        throttle_classes=[],
    )
    def sms_status(self, request):
        """Twilio's delivery report for a sent SMS (form-encoded, signed with the account's auth token)."""
        if not twilio_signature_valid(request):
            raise PermissionDenied("Invalid Twilio request signature")
        report = validated(SmsStatusCallbackInputSerializer, request)
        message = outbound_message_record_status(
            provider_id=report["MessageSid"],
            provider_status=report["MessageStatus"],
            error_code=report.get("ErrorCode", ""),
        )
        return ok({"recorded": message is not None}, "Status received")
