"""The in-app feed: reads scoped to the owner, and marking entries read."""

import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from appointments.models import Notification
from arthomed.core.errors import NotFound


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own feed, newest first (`?unread=true` is appointments.filters.NotificationFilter)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, is_read=False).count()


def notification_get(*, user, notification_id: str) -> Notification:
    """The user's own notification; someone else's, or a malformed id, is NOT_FOUND like a missing one."""
    try:
        pk = uuid.UUID(str(notification_id))
    except ValueError:
        raise NotFound("Notification not found") from None
    notification = Notification.objects.filter(user=user, pk=pk).first()
    if notification is None:
        raise NotFound("Notification not found")
    return notification


@transaction.atomic
def notification_mark_read(*, user, notification_id: str) -> Notification:
    notification = notification_get(user=user, notification_id=notification_id)
    if not notification.is_read:
        notification.is_read = True
        notification.read_at = timezone.now()
        notification.save(update_fields=["is_read", "read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    """Marks every unread entry of the user read; returns how many changed."""
    return Notification.objects.filter(user=user, is_read=False).update(is_read=True, read_at=timezone.now())
