"""Reads of the day's queue (SPEC.md §12).

Queue order of a doctor's day: checked-in, not-started (confirmed) appointments by
`appointment_time` (a walk-in place's is the minute it was added), ties by token. The board
(`doctor_day_board`) is every appointment of the day by `appointment_time`, ties by token
(appointments not checked in, without a token, after those with one), then by creation: the
front desk's list, where each row shows its own status.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange, DoctorDay
from appointments.selectors.appointments import appointments_with_details

BOARD_ORDER = ("appointment_time", F("token_number").asc(nulls_last=True), "created_at", "id")


def doctor_day_get(*, doctor: User, day: dt.date) -> DoctorDay | None:
    """The doctor's clinic day (delay, last token), or None before anything was recorded for it."""
    return DoctorDay.objects.filter(doctor=doctor, date=day).first()


def doctor_day_board(*, doctor: User, day: dt.date) -> QuerySet[Appointment]:
    """Every appointment of the doctor on `day`, with its details, in board order (module docstring)."""
    return appointments_with_details().filter(doctor=doctor, appointment_date=day).order_by(*BOARD_ORDER)


QUEUE_ORDER = ("appointment_time", "token_number")


def _in_queue(*, doctor_id, day: dt.date) -> dict:
    """The filter of the queue: checked in and not started (confirmed); `doctor_id=None`: any doctor."""
    match = {"appointment_date": day, "status": AppointmentStatus.CONFIRMED, "checked_in_at__isnull": False}
    return match if doctor_id is None else {**match, "doctor_id": doctor_id}


def doctor_day_queue(*, doctor: User, day: dt.date) -> list[Appointment]:
    """The queue of the doctor's day: checked-in, not-started appointments in queue order (1st = next)."""
    return list(appointments_with_details().filter(**_in_queue(doctor_id=doctor.pk, day=day)).order_by(*QUEUE_ORDER))


def doctor_day_in_consultation(*, doctor: User, day: dt.date) -> list[Appointment]:
    """The doctor's appointments of `day` being seen now (in progress), by token."""
    return list(
        appointments_with_details()
        .filter(doctor=doctor, appointment_date=day, status=AppointmentStatus.IN_PROGRESS)
        .order_by(F("token_number").asc(nulls_last=True), "appointment_time")
    )


def _averages(*, doctor_ids, day: dt.date) -> dict:
    """Per doctor, the mean length of their completed visits of `day`, from the start (the history's move
    to in-progress) to `completed_at`. Doctors with none such (completed without a start) are absent."""
    starts = AppointmentStatusChange.objects.filter(
        appointment__doctor_id__in=doctor_ids,
        appointment__appointment_date=day,
        appointment__status=AppointmentStatus.COMPLETED,
        appointment__completed_at__isnull=False,
        to_status=AppointmentStatus.IN_PROGRESS,
    ).order_by("changed_at", "id")
    lengths: dict = {}
    rows = starts.values_list("appointment__doctor_id", "appointment_id", "changed_at", "appointment__completed_at")
    for doctor_id, appointment_id, started_at, completed_at in rows:
        if completed_at > started_at:  # a visit started twice counts from its last start
            lengths.setdefault(doctor_id, {})[appointment_id] = completed_at - started_at
    return {doctor_id: sum(visits.values(), dt.timedelta()) / len(visits) for doctor_id, visits in lengths.items()}


def doctor_average_consultation(*, doctor_id, day: dt.date) -> dt.timedelta | None:
    """The mean visit of the doctor on `day` (start to completion); None before one is done."""
    return _averages(doctor_ids=[doctor_id], day=day).get(doctor_id)


@dataclass(frozen=True)
class DayTiming:
    """What the estimate of a start needs from a doctor's day."""

    delay_minutes: int
    consultation: dt.timedelta  # the average visit today, or the slot length before there is one

    def estimated_start(self, *, appointment: Appointment, patients_ahead: int, now: dt.datetime) -> dt.datetime:
        """The later of (the scheduled start + the delay) and (now + patients ahead * a visit's length)."""
        scheduled = appointment.starts_at + dt.timedelta(minutes=self.delay_minutes)
        return max(scheduled, now + patients_ahead * self.consultation)


def doctor_day_timing(*, doctor: User, day: dt.date, doctor_day: DoctorDay | bool | None = False) -> DayTiming:
    """The delay and the visit length used for estimates of `doctor`'s `day` (`doctor_day`: already read,
    row or None; False: read it here)."""
    if doctor_day is False:
        doctor_day = doctor_day_get(doctor=doctor, day=day)
    average = doctor_average_consultation(doctor_id=doctor.pk, day=day)
    return DayTiming(
        delay_minutes=doctor_day.delay_minutes if doctor_day else 0,
        consultation=average or dt.timedelta(minutes=doctor.doctor_profile.slot_duration),
    )


def _started_at(appointment: Appointment) -> dt.datetime | None:
    history = appointment.status_history.all()
    moves = [line.changed_at for line in history if line.to_status == AppointmentStatus.IN_PROGRESS]
    return moves[-1] if moves else None


def _blank_info(appointment: Appointment, delay_minutes: int) -> dict:
    return {
        "token_number": appointment.token_number,
        "position": None,
        "patients_ahead": None,
        "estimated_start_at": None,
        "doctor_delay_minutes": delay_minutes,
        "status": appointment.status,
    }


def appointments_queue_info(*, appointments: list[Appointment], now: dt.datetime | None = None) -> dict:
    """`appointment_queue_info` of many appointments at once ({appointment id: info}), in a fixed
    number of queries however many there are (the patient dashboard). Appointments need `doctor`
    with `doctor_profile` and their `status_history` loaded (`appointments_with_details`)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pairs = {(appointment.doctor_id, appointment.appointment_date) for appointment in appointments}
    delays = {}
    if pairs:
        match = Q()
        for doctor_id, day in pairs:
            match |= Q(doctor_id=doctor_id, date=day)
        delays = {(row.doctor_id, row.date): row.delay_minutes for row in DoctorDay.objects.filter(match)}
    waiting_today = [a for a in appointments if a.status == AppointmentStatus.CONFIRMED and a.appointment_date == today]
    doctor_ids = {appointment.doctor_id for appointment in waiting_today}
    queues: dict = {}
    averages: dict = {}
    if doctor_ids:
        rows = Appointment.objects.filter(**_in_queue(doctor_id=None, day=today), doctor_id__in=doctor_ids)
        for doctor_id, pk, at in rows.order_by(*QUEUE_ORDER).values_list("doctor_id", "pk", "appointment_time"):
            queues.setdefault(doctor_id, []).append((pk, at))
        averages = _averages(doctor_ids=doctor_ids, day=today)

    infos = {}
    for appointment in appointments:
        delay = delays.get((appointment.doctor_id, appointment.appointment_date), 0)
        info = _blank_info(appointment, delay)
        if appointment.status == AppointmentStatus.IN_PROGRESS:
            info.update(patients_ahead=0, estimated_start_at=_started_at(appointment))
        elif appointment.status == AppointmentStatus.CONFIRMED and appointment.appointment_date != today:
            info["estimated_start_at"] = appointment.starts_at + dt.timedelta(minutes=delay)
        elif appointment.status == AppointmentStatus.CONFIRMED:
            queue = queues.get(appointment.doctor_id, [])
            place = next((index for index, (pk, _) in enumerate(queue) if pk == appointment.pk), None)
            if place is not None:
                ahead = place
                info["position"] = place + 1
            else:
                ahead = sum(1 for _, at in queue if at <= appointment.appointment_time)
            slot = dt.timedelta(minutes=appointment.doctor.doctor_profile.slot_duration)
            timing = DayTiming(delay_minutes=delay, consultation=averages.get(appointment.doctor_id) or slot)
            estimated = timing.estimated_start(appointment=appointment, patients_ahead=ahead, now=now)
            info.update(patients_ahead=ahead, estimated_start_at=estimated)
        infos[appointment.pk] = info
    return infos


def appointment_queue_info(*, appointment: Appointment, now: dt.datetime | None = None) -> dict:
    """Where one appointment stands in its doctor's day (`GET /appointments/:id/queue`).

    Keys: token_number, position (1 = next), patients_ahead, estimated_start_at,
    doctor_delay_minutes, status. By state:
    - confirmed and checked in: its place in the queue; patients_ahead = position - 1.
    - confirmed, today, not checked in yet: not in the queue (position None); patients_ahead counts
      the checked-in appointments that would stand before it if it checked in now (an earlier
      `appointment_time`, or the same one: they hold a token already).
    - confirmed, another day: position and patients_ahead None; the estimate is the start plus
      any delay recorded for that day.
    - in progress: position None, patients_ahead 0, estimated_start_at when it started.
    - anything else (pending, finished, called off): position, patients_ahead, estimate None.
    `estimated_start_at` is the later of (start + delay) and (now + patients_ahead * the doctor's
    average visit today, or the slot length before there is one).
    """
    return appointments_queue_info(appointments=[appointment], now=now)[appointment.pk]


def doctor_day_queue_items(*, doctor: User, day: dt.date, now: dt.datetime | None = None) -> dict:
    """`GET /users/doctors/:id/queue`: the day's delay, who is being seen (since when), and the queue in
    order, each waiting appointment with its position and estimated start (as `appointment_queue_info`)."""
    now = now or timezone.now()
    doctor_day = doctor_day_get(doctor=doctor, day=day)
    timing = doctor_day_timing(doctor=doctor, day=day, doctor_day=doctor_day)
    queue = doctor_day_queue(doctor=doctor, day=day)
    waiting = [
        {
            "appointment": appointment,
            "position": index + 1,
            "patients_ahead": index,
            "estimated_start_at": timing.estimated_start(appointment=appointment, patients_ahead=index, now=now),
        }
        for index, appointment in enumerate(queue)
    ]
    return {
        "doctor_id": doctor.pk,
        "date": day,
        "delay_minutes": timing.delay_minutes,
        "delay_note": doctor_day.delay_note if doctor_day else "",
        "in_consultation": [
            {
                "appointment": appointment,
                "position": None,
                "patients_ahead": 0,
                "estimated_start_at": _started_at(appointment),
            }
            for appointment in doctor_day_in_consultation(doctor=doctor, day=day)
        ],
        "queue": waiting,
    }
