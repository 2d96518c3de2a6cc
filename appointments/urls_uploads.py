from django.urls import path

from appointments.views.uploads import AppointmentFilesUploadView

urlpatterns = [
    path("files/upload/appointments", AppointmentFilesUploadView.as_view(), name="appointment-files-upload"),
]
