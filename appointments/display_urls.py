"""The waiting-room display page (SPEC.md §12), outside `/api` and the admin."""

from django.urls import path

from appointments.views.display import waiting_room_display

urlpatterns = [
    path("display/", waiting_room_display, name="waiting-room-display"),
]
