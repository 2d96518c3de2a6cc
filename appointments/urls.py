"""`/api/appointments...`, doctors' leave, the notification feed, appointment uploads (SPEC.md §4-7),
the patient record (§11) and a doctor's day: delay and queue (§12)."""

from rest_framework.routers import SimpleRouter

from appointments.views.appointments import AppointmentViewSet
from appointments.views.leaves import DoctorLeaveViewSet
from appointments.views.notifications import NotificationViewSet
from appointments.views.queue import DoctorDayViewSet
from appointments.views.records import PatientRecordViewSet
from appointments.views.uploads import AppointmentFileViewSet

router = SimpleRouter(trailing_slash=False)
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("users/doctors", DoctorLeaveViewSet, basename="doctor-leave")
router.register("users/doctors", DoctorDayViewSet, basename="doctor-day")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("files", AppointmentFileViewSet, basename="appointment-file")
router.register("patients", PatientRecordViewSet, basename="patient-record")

urlpatterns = router.urls
