"""Lists, detail and lifecycle actions (SPEC.md §5). Literal paths come before `appointments/<pk>`."""

from django.urls import path

from appointments.views.lifecycle import (
    AppointmentCancelApi,
    AppointmentConfirmApi,
    AppointmentConfirmByBodyApi,
    AppointmentFeedbackApi,
    AppointmentPaymentApi,
    AppointmentRejectApi,
    AppointmentStatusApi,
    AppointmentVisitSummaryApi,
)
from appointments.views.lists import (
    AppointmentDetailApi,
    AppointmentIcsApi,
    AppointmentListApi,
    AppointmentStatsApi,
    MyAppointmentsAliasApi,
    MyAppointmentsApi,
    PendingAppointmentsApi,
)

urlpatterns = [
    path("appointments", AppointmentListApi.as_view(), name="appointment-list"),
    path("appointments/pending", PendingAppointmentsApi.as_view(), name="appointment-pending"),
    path("appointments/confirm", AppointmentConfirmByBodyApi.as_view(), name="appointment-confirm-by-body"),
    path("appointments/my-appointments", MyAppointmentsApi.as_view(), name="appointment-mine"),
    path("appointments/my", MyAppointmentsAliasApi.as_view(), name="appointment-mine-alias"),
    path("appointments/stats", AppointmentStatsApi.as_view(), name="appointment-stats"),
    path("appointments/<str:pk>", AppointmentDetailApi.as_view(), name="appointment-detail"),
    path("appointments/<str:pk>/confirm", AppointmentConfirmApi.as_view(), name="appointment-confirm"),
    path("appointments/<str:pk>/reject", AppointmentRejectApi.as_view(), name="appointment-reject"),
    path("appointments/<str:pk>/cancel", AppointmentCancelApi.as_view(), name="appointment-cancel"),
    path("appointments/<str:pk>/status", AppointmentStatusApi.as_view(), name="appointment-status"),
    path("appointments/<str:pk>/visit-summary", AppointmentVisitSummaryApi.as_view(), name="appointment-visit-summary"),
    path("appointments/<str:pk>/payment", AppointmentPaymentApi.as_view(), name="appointment-payment"),
    path("appointments/<str:pk>/feedback", AppointmentFeedbackApi.as_view(), name="appointment-feedback"),
    path("appointments/<str:pk>/ics", AppointmentIcsApi.as_view(), name="appointment-ics"),
]
