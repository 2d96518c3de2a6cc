from django.urls import path

from appointments.views.notifications import (
    NotificationListView,
    NotificationReadAllView,
    NotificationReadView,
    SmsStatusCallbackView,
)

# Literal paths before `notifications/<pk>/...`.
urlpatterns = [
    path("notifications", NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all", NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/sms-status", SmsStatusCallbackView.as_view(), name="sms-status-callback"),
    path("notifications/<str:pk>/read", NotificationReadView.as_view(), name="notification-read"),
]
