"""The in-app notification feed, and Twilio's SMS delivery-status callback."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView
from twilio.request_validator import RequestValidator

from appointments.notifications import (
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
    notification_unread_count,
    outbound_message_record_status,
)
from appointments.serializers.notifications import (
    NotificationListQuerySerializer,
    NotificationOutputSerializer,
    NotificationPageOutputSerializer,
    NotificationsReadAllOutputSerializer,
    SmsStatusCallbackInputSerializer,
    SmsStatusCallbackOutputSerializer,
)
from arthomed.api.pagination import EnvelopePagination, pagination_meta
from arthomed.api.responses import ok
from arthomed.api.schema import data_of
from arthomed.core.errors import PermissionDenied

PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number (1-based)."),
    OpenApiParameter("limit", OpenApiTypes.INT, description="Items per page (1-100)."),
    OpenApiParameter("unread", OpenApiTypes.BOOL, description="true: only unread entries."),
]


class NotificationListView(APIView):
    @extend_schema(
        operation_id="notifications_list",
        parameters=PAGE_PARAMETERS,
        responses=NotificationPageOutputSerializer,
    )
    def get(self, request):
        query = NotificationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notifications = notification_list(user=request.user, unread_only=query.validated_data["unread"])
        paginator = EnvelopePagination()
        rows = paginator.paginate_queryset(notifications, request, self)
        data = {
            "items": NotificationOutputSerializer(rows, many=True).data,
            "pagination": pagination_meta(page=paginator.page, limit=paginator.limit, total=paginator.total),
            "unread_count": notification_unread_count(user=request.user),
        }
        return ok(data, "Notifications retrieved successfully")


class NotificationReadView(APIView):
    @extend_schema(
        operation_id="notifications_mark_read",
        request=None,
        responses=data_of("NotificationData", notification=NotificationOutputSerializer),
    )
    def put(self, request, pk: str):
        notification = notification_mark_read(user=request.user, notification_id=pk)
        return ok({"notification": NotificationOutputSerializer(notification).data}, "Notification marked as read")


class NotificationReadAllView(APIView):
    @extend_schema(
        operation_id="notifications_mark_all_read",
        request=None,
        responses=NotificationsReadAllOutputSerializer,
    )
    def put(self, request):
        updated = notification_mark_all_read(user=request.user)
        return ok({"updated": updated, "unread_count": 0}, "All notifications marked as read")


def _twilio_signature_valid(request) -> bool:
    if not settings.TWILIO_AUTH_TOKEN:
        return False
    # Twilio signs the exact URL it was given; behind a proxy the configured one is the truth.
    url = settings.TWILIO_STATUS_CALLBACK_URL or request.build_absolute_uri()
    signature = request.headers.get("X-Twilio-Signature", "")
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.data, signature)


class SmsStatusCallbackView(APIView):
    """Twilio's delivery report for a sent SMS (form-encoded, signed with the account's auth token)."""

    permission_classes = [AllowAny]
    # Twilio's own field names are signed as sent: no camelCase conversion of the form.
    parser_classes = [FormParser]
    # Reports come in bursts from Twilio's shared addresses; the signature check is the guard.
    throttle_classes = []

    @extend_schema(
        operation_id="notifications_sms_status_callback",
        request={"application/x-www-form-urlencoded": SmsStatusCallbackInputSerializer},
        responses=SmsStatusCallbackOutputSerializer,
    )
    def post(self, request):
        if not _twilio_signature_valid(request):
            raise PermissionDenied("Invalid Twilio request signature")
        serializer = SmsStatusCallbackInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = outbound_message_record_status(
            provider_id=serializer.validated_data["MessageSid"],
            provider_status=serializer.validated_data["MessageStatus"],
            error_code=serializer.validated_data.get("ErrorCode", ""),
        )
        return ok({"recorded": message is not None}, "Status received")
