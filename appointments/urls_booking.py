from django.urls import path

from appointments.views.booking import AppointmentBookView, AppointmentRescheduleView, CalendarView, SlotsView
from appointments.views.leaves import DoctorLeaveDeleteView, DoctorLeavesView

urlpatterns = [
    path("appointments/slots", SlotsView.as_view(), name="appointment-slots"),
    path("appointments/calendar", CalendarView.as_view(), name="appointment-calendar"),
    path("appointments/book", AppointmentBookView.as_view(), name="appointment-book"),
    path("appointments/<str:pk>/reschedule", AppointmentRescheduleView.as_view(), name="appointment-reschedule"),
    path("users/doctors/<str:pk>/leaves", DoctorLeavesView.as_view(), name="doctor-leaves"),
    path("users/doctors/<str:pk>/leaves/<str:leave_id>", DoctorLeaveDeleteView.as_view(), name="doctor-leave"),
]
