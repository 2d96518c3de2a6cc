"""Bookings inside a doctor's new leave (SPEC.md §10 "Records").

Adding leave never cancels anything by itself (§4: the bookings inside it are reported
back). Staff who decide to clear them do it here, as one action: each is cancelled through
the one cancel service (status history and the patient's cancellation SMS). The clinic cancels,
not the patient, so a paid fee is refunded in full whatever the notice (`refund_in_full`).
"""

from django.db import transaction

from accounts.models import DoctorLeave, User
from accounts.services.leaves import doctor_leave_check_access
from appointments.models import Appointment, AppointmentStatus
from appointments.selectors.slots import appointments_during_leave
from appointments.services.lifecycle import appointment_cancel

LEAVE_CANCELLATION_REASON = "Doctor on leave"
# In consultation or later is the doctor's to finish: only what has not started is cancelled.
CANCELLABLE = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)


def leave_bookings_cancellable(leave: DoctorLeave):
    """The bookings inside the leave that `leave_bookings_cancel` would cancel."""
    return appointments_during_leave(leave).filter(status__in=CANCELLABLE)


@transaction.atomic
def leave_bookings_cancel(
    *, leave: DoctorLeave, actor: User, reason: str = LEAVE_CANCELLATION_REASON
) -> list[Appointment]:
    """Cancel every pending or confirmed booking inside `leave`, all or none; returns them."""
    doctor_leave_check_access(actor=actor, doctor=leave.doctor)
    reason = reason.strip() or LEAVE_CANCELLATION_REASON
    return [
        appointment_cancel(appointment=appointment, actor=actor, reason=reason, refund_in_full=True)
        for appointment in leave_bookings_cancellable(leave)
    ]
