"""What every appointment action answers: the appointment re-read as the caller may see it."""

from rest_framework.response import Response

from appointments.selectors.appointments import appointment_get_for
from appointments.serializers.output import AppointmentOutputSerializer, appointment_serializer_for
from arthomed.api.responses import ok
from arthomed.api.schema import data_of

AppointmentData = data_of("AppointmentData", appointment=AppointmentOutputSerializer)


def appointment_answer(request, appointment, message: str, *, status: int = 200) -> Response:
    """`data.appointment`: re-read with its details after the change, shaped for the caller's role."""
    fresh = appointment_get_for(request.user, appointment.pk)
    return ok({"appointment": appointment_serializer_for(request.user)(fresh).data}, message, status=status)
