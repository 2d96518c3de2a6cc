from django.urls import include, path

# Order matters: literal paths (slots, calendar, pending, ...) before `appointments/<id>`.
urlpatterns = [
    path("", include("appointments.urls_booking")),  # slots, calendar, book, leaves
    path("", include("appointments.urls_uploads")),  # /api/files/upload/appointments
    path("", include("appointments.urls_notifications")),  # notifications feed, SMS status callback
    path("", include("appointments.urls_lifecycle")),  # lists, detail, lifecycle actions
]
