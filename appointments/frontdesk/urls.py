"""Front-desk admin pages under /admin/frontdesk/ (reversed as `frontdesk:<name>`)."""

from django.urls import path

from appointments.frontdesk import booking, money, today
from appointments.frontdesk.access import frontdesk_page

app_name = "frontdesk"

urlpatterns: list = [
    # Payments, receipts, refunds, day close (branch `money`).
    path("collect/<uuid:appointment_id>/", frontdesk_page(money.collect), name="collect"),
    path("receipt/<uuid:appointment_id>/", frontdesk_page(money.receipt), name="receipt"),
    path("receipt/<uuid:appointment_id>/pdf/", frontdesk_page(money.receipt_pdf_download), name="receipt-pdf"),
    path("refunds/", frontdesk_page(money.refunds), name="refunds"),
    path("day-close/", frontdesk_page(money.day_close), name="day-close"),
    # Today board, Book and Walk-in (branch `board`).
    path("today/", frontdesk_page(today.today), name="today"),
    path("today/board/", frontdesk_page(today.today_board), name="today-board"),
    path(
        "appointment/<uuid:appointment_id>/<slug:action>/",
        frontdesk_page(today.appointment_act),
        name="act",
    ),
    path("doctor/<uuid:doctor_id>/delay/", frontdesk_page(today.doctor_delay), name="delay"),
    path("book/", frontdesk_page(booking.book), name="book"),
    path("walk-in/", frontdesk_page(booking.walk_in), name="walk-in"),
]
