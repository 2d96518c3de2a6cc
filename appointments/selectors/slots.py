"""Bookable slots and the month calendar of a doctor (SPEC.md §5), in clinic time.

A day's slots come from the doctor's weekly schedule blocks cut into `slot_duration`
pieces (a last shorter piece is dropped). Leave removes slots; so do the past, the
minimum notice and the booking horizon. A slot is booked when any active appointment
overlaps it: appointments keep their own duration, so after a change of slot length
old bookings still block every new slot they overlap.

Each read costs a fixed number of queries, whatever the number of appointments: the
doctor (with schedule), the leave of the period, the active appointments of the period.
"""

import calendar
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import WEEKDAYS, DoctorLeave, ScheduleBlock, User
from appointments.models import ACTIVE_STATUSES, Appointment, AppointmentKind
from appointments.selectors.appointments import appointments_with_details
from arthomed.core.errors import SlotUnavailable
from arthomed.core.rows import converted_rows

# Appointments last minutes, never a day: bounding the scan by this margin lets the
# (doctor, starts_at) index serve the overlap query however long the history grows.
_OVERLAP_LOOKBACK = timedelta(days=1)
# Slot ids are UUIDv5 of "<doctor id>/<YYYY-MM-DD>/<HH:MM>" in this namespace: stable across reads, opaque.
SLOT_ID_NAMESPACE = uuid.UUID("6f1c2b1e-4a51-5c0e-9d0a-61c3a1f0a7d2")


@dataclass(frozen=True)
class Slot:
    doctor_id: uuid.UUID
    start: time
    end: time
    starts_at: datetime
    ends_at: datetime
    is_booked: bool
    # Still offered: not started, outside the minimum notice, within the horizon.
    is_open: bool

    @property
    def id(self) -> str:
        name = f"{self.doctor_id}/{self.starts_at.date():%Y-%m-%d}/{self.start:%H:%M}"
        return str(uuid.uuid5(SLOT_ID_NAMESPACE, name))

    @property
    def is_available(self) -> bool:
        return self.is_open and not self.is_booked


class SlotRefusal:
    """Why a slot cannot be booked, or a day offers none: `error.details.reason` / `reason` (SPEC.md §5)."""

    PAST = "past"
    MIN_NOTICE = "min-notice"
    BEYOND_HORIZON = "beyond-horizon"
    DAY_OFF = "day-off"
    OUTSIDE_SCHEDULE = "outside-schedule"
    NOT_A_SLOT_START = "not-a-slot-start"
    ON_LEAVE = "on-leave"
    TAKEN = "taken"
    PATIENT_OVERLAP = "patient-overlap"


def slot_unavailable(reason: str) -> SlotUnavailable:
    return SlotUnavailable(details={"reason": reason})


@dataclass(frozen=True)
class DaySlots:
    doctor: User
    date: date
    slots: list[Slot]
    # Why no slot is available, when none is (None otherwise).
    reason: str | None = None

    @property
    def available(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.is_available]

    @property
    def booked(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.is_open and slot.is_booked]


def clinic_datetime(day: date, at: time) -> datetime:
    """The aware instant of a clinic-local date and time."""
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone())


def _booking_window(now: datetime, *, min_notice: bool = True) -> tuple[datetime, date]:
    """(earliest bookable start, last bookable clinic date) at `now`.

    `min_notice=False` (staff bookings, SPEC.md §10) offers every slot not yet started.
    """
    # Without the notice, strictly after now: a slot starting this very instant has started.
    notice = timedelta(minutes=settings.BOOKING_MIN_NOTICE_MINUTES) if min_notice else timedelta(microseconds=1)
    earliest = now + notice
    last_day = timezone.localdate(now) + timedelta(days=settings.BOOKING_HORIZON_DAYS)
    return earliest, last_day


def _busy_by_day(doctor: User, first: date, last: date, exclude_id=None) -> dict[date, list[tuple]]:
    """Active appointments of the doctor between two clinic dates, as (starts_at, ends_at) per clinic date.

    Walk-in places take no slot (SPEC.md §10): only scheduled bookings hold one.
    """
    start, end = clinic_datetime(first, time.min), clinic_datetime(last + timedelta(days=1), time.min)
    rows = Appointment.objects.filter(
        doctor=doctor,
        kind=AppointmentKind.SCHEDULED,
        status__in=ACTIVE_STATUSES,
        starts_at__lt=end,
        starts_at__gte=start - _OVERLAP_LOOKBACK,
        ends_at__gt=start,
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    busy: dict[date, list[tuple]] = defaultdict(list)
    for starts_at, ends_at in rows.values_list("starts_at", "ends_at"):
        day = timezone.localdate(starts_at)
        last_day = timezone.localdate(ends_at - timedelta(microseconds=1))
        while day <= last_day:
            busy[day].append((starts_at, ends_at))
            day += timedelta(days=1)
    return busy


def _leave_by_day(doctor: User, first: date, last: date) -> dict[date, list[DoctorLeave]]:
    leave: dict[date, list[DoctorLeave]] = defaultdict(list)
    for item in DoctorLeave.objects.filter(doctor=doctor, date__gte=first, date__lte=last):
        leave[item.date].append(item)
    return leave


def _cut_day(
    day: date,
    *,
    doctor_id: uuid.UUID,
    blocks: list,
    slot_minutes: int,
    leave: list[DoctorLeave],
    busy: list[tuple],
    earliest: datetime,
    last_day: date,
) -> list[Slot]:
    if any(item.is_whole_day for item in leave):
        return []
    length = timedelta(minutes=slot_minutes)
    day_blocks = sorted(working_blocks(blocks, day), key=lambda block: block.start_time)
    slots = []
    for block in day_blocks:
        starts_at = clinic_datetime(day, block.start_time)
        block_end = clinic_datetime(day, block.end_time)
        while starts_at + length <= block_end:
            ends_at = starts_at + length
            start, end = starts_at.time(), ends_at.time()
            on_leave = any(item.start_time < end and start < item.end_time for item in leave)
            if not on_leave:
                slots.append(
                    Slot(
                        doctor_id=doctor_id,
                        start=start,
                        end=end,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        is_booked=any(b_start < ends_at and starts_at < b_end for b_start, b_end in busy),
                        is_open=starts_at >= earliest and day <= last_day,
                    )
                )
            starts_at = ends_at
    return slots


def working_blocks(blocks: list, day: date) -> list:
    """The available weekly blocks of `blocks` that fall on `day`'s weekday: the one 'works that day' rule."""
    weekday = WEEKDAYS[day.weekday()]
    return [block for block in blocks if block.day == weekday and block.is_available]


def _day_reason(day: date, *, slots: list[Slot], blocks: list, now: datetime, last_day: date) -> str | None:
    """Why a day offers no available slot (None when it offers one)."""
    if any(slot.is_available for slot in slots):
        return None
    if day < timezone.localdate(now):
        return SlotRefusal.PAST
    if day > last_day:
        return SlotRefusal.BEYOND_HORIZON
    if not working_blocks(blocks, day):
        return SlotRefusal.DAY_OFF
    return _full_day_reason(slots, now)


def _full_day_reason(slots: list[Slot], now: datetime) -> str:
    """Why a working day within the window offers nothing."""
    if not slots:
        return SlotRefusal.ON_LEAVE
    if any(slot.is_open for slot in slots):
        return SlotRefusal.TAKEN
    # Today, nothing left to offer: past when every slot has started, else within the minimum notice.
    return SlotRefusal.PAST if slots[-1].starts_at <= now else SlotRefusal.MIN_NOTICE


@dataclass(frozen=True)
class _DayContext:
    doctor_id: uuid.UUID
    blocks: list
    slot_minutes: int
    leave: list[DoctorLeave]
    now: datetime
    earliest: datetime
    last_day: date


def _day_context(doctor: User, day: date, now: datetime | None, *, min_notice: bool = True) -> _DayContext:
    now = now or timezone.now()
    earliest, last_day = _booking_window(now, min_notice=min_notice)
    return _DayContext(
        doctor_id=doctor.pk,
        blocks=list(doctor.schedule_blocks.all()),
        slot_minutes=doctor.doctor_profile.slot_duration,
        leave=_leave_by_day(doctor, day, day)[day],
        now=now,
        earliest=earliest,
        last_day=last_day,
    )


# --- One day in one statement ------------------------------------------------------------
# A day's slots need the doctor's schedule blocks, that day's leave and the active appointments
# overlapping it. `doctor_day_slots` reads the three in one statement (UNION ALL of three small
# indexed reads), written once from the models' metadata: building three querysets per request
# cost more than running them.


@dataclass(frozen=True)
class _BlockRow:
    """What the slot cutter reads of a ScheduleBlock."""

    day: str
    start_time: time
    end_time: time
    is_available: bool


@dataclass(frozen=True)
class _LeaveRow:
    """What the slot cutter reads of a DoctorLeave (always of the day asked for)."""

    start_time: time | None
    end_time: time | None

    @property
    def is_whole_day(self) -> bool:
        return self.start_time is None


_KIND_BLOCK, _KIND_LEAVE, _KIND_BUSY = 0, 1, 2


@cache
def _day_columns() -> tuple:
    """The statement's columns after `kind`, as the model fields whose values they carry."""
    block = ScheduleBlock._meta
    appointment = Appointment._meta
    return (
        block.get_field("start_time"),
        block.get_field("end_time"),
        block.get_field("day"),
        block.get_field("is_available"),
        appointment.get_field("starts_at"),
        appointment.get_field("ends_at"),
    )


@cache
def _day_statement(vendor: str, *, excluding: bool) -> str:
    """The one-day read's SQL for this database vendor."""
    quote = connection.ops.quote_name
    columns = _day_columns()

    def select(kind: int, alias: str, present: dict) -> str:
        parts = [str(kind)]
        for field in columns:
            name = present.get(field.name)
            parts.append(f"{alias}.{quote(name)}" if name else f"CAST(NULL AS {field.db_type(connection)})")
        return "SELECT " + ", ".join(parts)

    block, leave, appointment = ScheduleBlock._meta, DoctorLeave._meta, Appointment._meta
    column = {model: {f.name: f.column for f in model.concrete_fields} for model in (block, leave, appointment)}
    status_marks = ", ".join(["%s"] * len(ACTIVE_STATUSES))
    a = column[appointment]
    # Identifiers come from the models' metadata; every value is a bound parameter.
    sql = (
        f"{select(_KIND_BLOCK, 'b', {n: column[block][n] for n in ('start_time', 'end_time', 'day', 'is_available')})} "
        f"FROM {quote(block.db_table)} b WHERE b.{quote(column[block]['doctor'])} = %s "
        f"UNION ALL {select(_KIND_LEAVE, 'l', {n: column[leave][n] for n in ('start_time', 'end_time')})} "
        f"FROM {quote(leave.db_table)} l WHERE l.{quote(column[leave]['doctor'])} = %s "
        f"AND l.{quote(column[leave]['date'])} = %s "
        f"UNION ALL {select(_KIND_BUSY, 'a', {n: a[n] for n in ('starts_at', 'ends_at')})} "
        f"FROM {quote(appointment.db_table)} a WHERE a.{quote(a['doctor'])} = %s "
        f"AND a.{quote(a['kind'])} = %s "  # walk-in places take no slot (SPEC.md §10)
        f"AND a.{quote(a['status'])} IN ({status_marks}) AND a.{quote(a['starts_at'])} < %s "
        f"AND a.{quote(a['starts_at'])} >= %s AND a.{quote(a['ends_at'])} > %s"
    )
    if excluding:
        sql += f" AND a.{quote(appointment.pk.column)} <> %s"
    return sql


def _day_rows(doctor_id, day: date, exclude_id=None) -> tuple[list[_BlockRow], list[_LeaveRow], list[tuple]]:
    """(schedule blocks, the day's leave, the day's busy (starts_at, ends_at)) in one statement."""
    sql = _day_statement(connection.vendor, excluding=exclude_id is not None)
    start, end = clinic_datetime(day, time.min), clinic_datetime(day + timedelta(days=1), time.min)
    doctor = User._meta.pk.get_db_prep_value(doctor_id, connection)
    starts_at = Appointment._meta.get_field("starts_at")
    params = [
        doctor,
        doctor,
        DoctorLeave._meta.get_field("date").get_db_prep_value(day, connection),
        doctor,
        AppointmentKind.SCHEDULED.value,
        *ACTIVE_STATUSES,
        starts_at.get_db_prep_value(end, connection),
        starts_at.get_db_prep_value(start - _OVERLAP_LOOKBACK, connection),
        starts_at.get_db_prep_value(start, connection),
    ]
    if exclude_id is not None:
        params.append(Appointment._meta.pk.get_db_prep_value(exclude_id, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    blocks, leave, busy = [], [], []
    converted = converted_rows((row[1:] for row in rows), _day_columns())
    for (kind, *_), values in zip(rows, converted, strict=True):
        start_time, end_time, weekday, is_available, appointment_start, appointment_end = values
        if kind == _KIND_BLOCK:
            blocks.append(_BlockRow(weekday, start_time, end_time, is_available))
        elif kind == _KIND_LEAVE:
            leave.append(_LeaveRow(start_time, end_time))
        else:
            busy.append((appointment_start, appointment_end))
    return blocks, leave, busy


def _slots_of(day: date, context: _DayContext, *, busy: list[tuple], leave: list[DoctorLeave]) -> list[Slot]:
    return _cut_day(
        day,
        doctor_id=context.doctor_id,
        blocks=context.blocks,
        slot_minutes=context.slot_minutes,
        leave=leave,
        busy=busy,
        earliest=context.earliest,
        last_day=context.last_day,
    )


def doctor_day_slots(
    *,
    doctor: User,
    day: date,
    now: datetime | None = None,
    exclude_appointment_id=None,
    min_notice: bool = True,
) -> DaySlots:
    """All slots of `doctor` on the clinic date `day`. `doctor` needs its profile (`doctor_get`); its
    schedule, the day's leave and the day's appointments are read here, in one statement.

    `exclude_appointment_id` ignores one appointment's own hold (an appointment being rescheduled);
    `min_notice=False` is the front desk's view: every slot not yet started is offered (SPEC.md §10).
    """
    now = now or timezone.now()
    earliest, last_day = _booking_window(now, min_notice=min_notice)
    blocks, leave, busy = _day_rows(doctor.pk, day, exclude_appointment_id)
    slots = _cut_day(
        day,
        doctor_id=doctor.pk,
        blocks=blocks,
        slot_minutes=doctor.doctor_profile.slot_duration,
        leave=leave,
        busy=busy,
        earliest=earliest,
        last_day=last_day,
    )
    reason = _day_reason(day, slots=slots, blocks=blocks, now=now, last_day=last_day)
    return DaySlots(doctor=doctor, date=day, slots=slots, reason=reason)


def _refusal(day: date, start: time, context: _DayContext) -> str:
    """Why `start` on `day` is no slot at all (it is neither offered nor booked)."""
    blocks = working_blocks(context.blocks, day)
    if not blocks:
        return SlotRefusal.DAY_OFF
    if any(item.is_whole_day for item in context.leave):
        return SlotRefusal.ON_LEAVE
    if not any(block.start_time <= start < block.end_time for block in blocks):
        return SlotRefusal.OUTSIDE_SCHEDULE
    grid = _slots_of(day, context, busy=[], leave=[])
    if not any(slot.start == start for slot in grid):
        return SlotRefusal.NOT_A_SLOT_START
    return SlotRefusal.ON_LEAVE


def bookable_slot_get(
    *,
    doctor: User,
    day: date,
    start: time,
    now: datetime | None = None,
    exclude_appointment_id=None,
    min_notice: bool = True,
) -> Slot:
    """The free, offered slot of `doctor` starting at `day` `start`, or SLOT_UNAVAILABLE with the reason.

    `min_notice=False` (staff bookings) accepts any slot not yet started.
    """
    context = _day_context(doctor, day, now, min_notice=min_notice)
    starts_at = clinic_datetime(day, start)
    if starts_at <= context.now:
        raise slot_unavailable(SlotRefusal.PAST)
    if day > context.last_day:
        raise slot_unavailable(SlotRefusal.BEYOND_HORIZON)
    busy = _busy_by_day(doctor, day, day, exclude_appointment_id)[day]
    for slot in _slots_of(day, context, busy=busy, leave=context.leave):
        if slot.start == start:
            if not slot.is_open:
                raise slot_unavailable(SlotRefusal.MIN_NOTICE)
            if slot.is_booked:
                raise slot_unavailable(SlotRefusal.TAKEN)
            return slot
    raise slot_unavailable(_refusal(day, start, context))


def doctor_walk_in_refusal(*, doctor: User, day: date, now: datetime) -> str | None:
    """Why `doctor` takes no walk-in on `day` at `now` (None when they do): not working that day
    (`day-off`), on whole-day leave (`on-leave`), or their last block of the day has ended (`past`)."""
    blocks = working_blocks(list(doctor.schedule_blocks.all()), day)
    if not blocks:
        return SlotRefusal.DAY_OFF
    if any(item.is_whole_day for item in _leave_by_day(doctor, day, day)[day]):
        return SlotRefusal.ON_LEAVE
    if max(clinic_datetime(day, block.end_time) for block in blocks) <= now:
        return SlotRefusal.PAST
    return None


def doctor_month_calendar(*, doctor: User, year: int, month: int, now: datetime | None = None) -> list[dict]:
    """One entry per day: `{date, available_count, booked_count, status}`.

    status: `past` (before today, or today with no slot left to offer), `off` (no working
    slots: day off, whole-day leave, beyond the horizon), `full` (slots left, all booked),
    `available`.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    earliest, last_day = _booking_window(now)
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    busy = _busy_by_day(doctor, first, last)
    leave = _leave_by_day(doctor, first, last)
    blocks, slot_minutes = list(doctor.schedule_blocks.all()), doctor.doctor_profile.slot_duration
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        slots = _cut_day(
            day,
            doctor_id=doctor.pk,
            blocks=blocks,
            slot_minutes=slot_minutes,
            leave=leave[day],
            busy=busy[day],
            earliest=earliest,
            last_day=last_day,
        )
        available = sum(1 for slot in slots if slot.is_available)
        reason = _day_reason(day, slots=slots, blocks=blocks, now=now, last_day=last_day)
        if day < today or (day == today and slots and not any(slot.is_open for slot in slots)):
            status = "past"
        elif not slots or day > last_day:
            status = "off"
        elif available:
            status = "available"
        else:
            status = "full"
        days.append(
            {
                "date": day,
                "available_count": available,
                "booked_count": sum(1 for slot in slots if slot.is_booked),
                "status": status,
                "reason": reason,
            }
        )
    return days


def appointments_during_leave(leave: DoctorLeave) -> QuerySet[Appointment]:
    """Active appointments of the leave's doctor that overlap it: reported back, never cancelled silently."""
    if leave.is_whole_day:
        start = clinic_datetime(leave.date, time.min)
        end = clinic_datetime(leave.date + timedelta(days=1), time.min)
    else:
        start, end = clinic_datetime(leave.date, leave.start_time), clinic_datetime(leave.date, leave.end_time)
    return (
        appointments_with_details()
        .filter(doctor_id=leave.doctor_id, status__in=ACTIVE_STATUSES, starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at")
    )
