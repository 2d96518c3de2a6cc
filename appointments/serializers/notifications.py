"""Shapes of the notification feed and of Twilio's delivery reports."""

from rest_framework import serializers

from appointments.models import Notification
from arthomed.api.schema import PaginationMetaSerializer


class NotificationOutputSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    appointment_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["_id", "kind", "title", "body", "appointment_id", "is_read", "read_at", "created_at"]
        read_only_fields = fields


class NotificationPageOutputSerializer(serializers.Serializer):
    items = NotificationOutputSerializer(many=True)
    pagination = PaginationMetaSerializer()
    unread_count = serializers.IntegerField(help_text="unread entries of the caller, whatever the filter")


class NotificationsReadAllOutputSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="entries that were unread")
    unread_count = serializers.IntegerField()


class SmsStatusCallbackInputSerializer(serializers.Serializer):
    """Twilio's form fields keep their own spelling (the request signature covers them as sent)."""

    MessageSid = serializers.CharField(max_length=64)
    MessageStatus = serializers.CharField(max_length=32)
    ErrorCode = serializers.CharField(max_length=16, required=False, allow_blank=True)


class SmsStatusCallbackOutputSerializer(serializers.Serializer):
    recorded = serializers.BooleanField(help_text="false when the message or status is unknown")
