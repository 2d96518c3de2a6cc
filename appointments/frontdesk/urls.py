"""Front-desk admin pages under /admin/frontdesk/ (reversed as `frontdesk:<name>`)."""

from django.urls import path

from appointments.frontdesk import money

app_name = "frontdesk"

urlpatterns: list = [
    path("collect/<uuid:appointment_id>/", money.collect, name="collect"),
    path("receipt/<uuid:appointment_id>/", money.receipt, name="receipt"),
    path("receipt/<uuid:appointment_id>/pdf/", money.receipt_pdf_download, name="receipt-pdf"),
    path("refunds/", money.refunds, name="refunds"),
    path("day-close/", money.day_close, name="day-close"),
]
