"""Front-desk admin pages under /admin/frontdesk/ (reversed as `frontdesk:<name>`)."""

from django.contrib import admin
from django.urls import path

from appointments.frontdesk import booking, today

app_name = "frontdesk"

urlpatterns: list = [
    # Today board, Book and Walk-in (branch `board`).
    path("today/", admin.site.admin_view(today.today), name="today"),
    path("today/board/", admin.site.admin_view(today.today_board), name="today-board"),
    path(
        "appointment/<uuid:appointment_id>/<slug:action>/",
        admin.site.admin_view(today.appointment_act),
        name="act",
    ),
    path("doctor/<uuid:doctor_id>/delay/", admin.site.admin_view(today.doctor_delay), name="delay"),
    path("book/", admin.site.admin_view(booking.book), name="book"),
    path("walk-in/", admin.site.admin_view(booking.walk_in), name="walk-in"),
]
