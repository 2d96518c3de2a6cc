"""An appointment as an iCalendar file (`GET /api/appointments/:id/ics`)."""

from django.conf import settings
from icalendar import Calendar, Event

from appointments.models import AppointmentStatus

ICS_STATUS = {
    AppointmentStatus.PENDING: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.IN_PROGRESS: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
}


def appointment_ics(appointment) -> bytes:
    """One VEVENT for the patient's calendar; calendars show called-off visits as cancelled."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CLINIC_NAME}//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.pk}@arthomed")
    event.add("dtstamp", appointment.updated_at)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", f"{settings.CLINIC_NAME}: appointment with {appointment.doctor.name}")
    event.add("location", settings.CLINIC_NAME)
    event.add("description", f"{appointment.purpose_label}. {appointment.reason}".strip())
    event.add("status", ICS_STATUS.get(appointment.status, "CANCELLED"))
    calendar.add_component(event)
    return calendar.to_ical()
