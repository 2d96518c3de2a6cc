"""Notifications: SMS + in-app feed for appointment events, reminders, delivery reports."""

from appointments.notifications.delivery import (
    outbound_message_enqueue,
    outbound_message_record_status,
    outbound_message_retry,
    outbound_messages_requeue_stale,
)
from appointments.notifications.feed import (
    notification_get,
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
    notification_unread_count,
)
from appointments.notifications.messages import (
    notification_send,
    notify_booking_received,
    notify_cancelled,
    notify_completed,
    notify_confirmed,
    notify_expired,
    notify_follow_up_reminder,
    notify_rejected,
    notify_reminder,
    notify_rescheduled,
    notify_running_late,
    render_sms,
)
from appointments.notifications.reminders import (
    follow_up_reminders_due,
    follow_up_reminders_send_due,
    reminders_due,
    reminders_send_due,
)
from appointments.sms_sending import outbound_message_send

__all__ = [
    "follow_up_reminders_due",
    "follow_up_reminders_send_due",
    "notification_get",
    "notification_list",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_send",
    "notification_unread_count",
    "notify_booking_received",
    "notify_cancelled",
    "notify_completed",
    "notify_confirmed",
    "notify_expired",
    "notify_follow_up_reminder",
    "notify_rejected",
    "notify_reminder",
    "notify_rescheduled",
    "notify_running_late",
    "outbound_message_enqueue",
    "outbound_message_record_status",
    "outbound_message_retry",
    "outbound_message_send",
    "outbound_messages_requeue_stale",
    "reminders_due",
    "reminders_send_due",
    "render_sms",
]
