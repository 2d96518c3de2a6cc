"""Reads behind the Today board (SPEC.md §10): the doctors working on a date and their appointments.

A fixed number of queries whatever the number of appointments: the doctors with their week, the
day's leave, the DoctorDay rows (delay), all appointments of the day with their people, and the
pending count.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import WEEKDAYS, User
from accounts.selectors.family import age_on, appointment_person
from accounts.selectors.leaves import doctors_away_all_day
from accounts.selectors.people import active_doctors
from appointments.models import Appointment, AppointmentStatus, DoctorDay, PaymentStatus
from appointments.selectors.queue import BOARD_ORDER
from appointments.selectors.slots import working_blocks
from appointments.services.queue import check_in_refusal

S = AppointmentStatus


@dataclass
class BoardRow:
    appointment: Appointment
    person_name: str
    age: int | None
    gender: str
    relation: str  # "" for the account holder
    actions: list[str] = field(default_factory=list)

    @property
    def payment_open(self) -> bool:
        return self.appointment.payment_status == PaymentStatus.PENDING and self.appointment.status in (
            S.CONFIRMED,
            S.IN_PROGRESS,
            S.COMPLETED,
        )

    @property
    def paid(self) -> bool:
        return self.appointment.payment_status == PaymentStatus.PAID


@dataclass
class DoctorColumn:
    doctor: User
    hours: list[tuple]
    delay: DoctorDay | None
    rows: list[BoardRow]
    on_leave: bool = False


def row_actions(appointment: Appointment, *, now: datetime) -> list[str]:
    """The lifecycle actions the board offers for a row; the services still decide (their 409 is shown)."""
    if appointment.status == S.PENDING:
        return ["confirm", "reject", "reschedule", "cancel"]
    if appointment.status == S.CONFIRMED:
        actions = []
        if check_in_refusal(appointment=appointment, now=now) is None:  # the service's own rule
            actions.append("check-in")
        if now >= appointment.starts_at:
            actions.append("no-show")
        return [*actions, "reschedule", "cancel"]
    return []


def _row(appointment: Appointment, *, now: datetime) -> BoardRow:
    person = appointment_person(appointment)
    return BoardRow(
        appointment=appointment,
        person_name=person.name,
        age=age_on(person.row.date_of_birth, today=timezone.localdate(now)),
        gender=person.row.gender,
        relation=person.member.relation if person.member else "",
        actions=row_actions(appointment, now=now),
    )


def board_get(*, day: date, now: datetime | None = None) -> list[DoctorColumn]:
    """Per doctor working on `day` (a weekly block that day) or holding appointments that day, by name.

    Each doctor's rows are `doctor_day_board`'s (selectors.queue) in its BOARD_ORDER, read for all
    doctors in one query rather than one per doctor.
    """
    now = now or timezone.now()
    weekday = WEEKDAYS[day.weekday()]
    appointments = list(
        Appointment.objects.filter(appointment_date=day)
        .select_related("patient", "family_member")
        .only(*BOARD_FIELDS)
        .order_by(*BOARD_ORDER)
    )
    with_bookings = {appointment.doctor_id for appointment in appointments}
    doctors = list(
        active_doctors()
        .filter(Q(schedule_blocks__day=weekday, schedule_blocks__is_available=True) | Q(pk__in=with_bookings))
        .distinct()
        .order_by("name", "id")
    )
    whole_day_leave = doctors_away_all_day(day=day)
    delays = {row.doctor_id: row for row in DoctorDay.objects.filter(date=day)}
    by_doctor: dict = {}
    for appointment in appointments:
        by_doctor.setdefault(appointment.doctor_id, []).append(appointment)
    columns = []
    for doctor in doctors:
        hours = [(block.start_time, block.end_time) for block in working_blocks(doctor.schedule_blocks.all(), day)]
        rows = [_row(a, now=now) for a in by_doctor.get(doctor.pk, [])]
        columns.append(
            DoctorColumn(
                doctor=doctor,
                hours=hours,
                delay=delays.get(doctor.pk),
                rows=rows,
                on_leave=doctor.pk in whole_day_leave,
            )
        )
    return columns


def pending_count() -> int:
    """Bookings waiting for confirmation: the count of the pending list the board links to."""
    return Appointment.objects.filter(status=S.PENDING).count()


# What the board shows, and nothing else: no clinical column is ever read for it.
BOARD_FIELDS = (
    "id",
    "doctor_id",
    "appointment_date",
    "appointment_time",
    "end_time",
    "starts_at",
    "status",
    "kind",
    "token_number",
    "checked_in_at",
    "created_at",
    "purpose_of_visit",
    "reason",
    "payment_status",
    "payment_method",
    "fee",
    "refund_status",
    "refund_amount",
    "patient__id",
    "patient__name",
    "patient__mobile_number",
    "patient__date_of_birth",
    "patient__gender",
    "family_member__id",
    "family_member__name",
    "family_member__relation",
    "family_member__date_of_birth",
    "family_member__gender",
)
