"""Reads behind the dashboards (SPEC.md §8).

Every dashboard is a fixed handful of queries whatever the volume: counts and sums
are database aggregates with `filter=Q(...)`, lists are bounded and use the
appointment indexes. Periods ("today", "this month", "this year") are clinic-time
calendar periods turned into aware datetime ranges, so the answer does not depend
on the time zone of the database session.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import WEEKDAYS, ScheduleBlock, User
from appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    PaymentStatus,
    RefundStatus,
)
from appointments.notifications import notification_unread_count
from appointments.selectors.follow_ups import follow_ups_open
from appointments.selectors.queue import appointments_queue_info
from arthomed.core.roles import Role
from arthomed.core.scope import appointment_scope

ADMIN_DASHBOARD_CACHE_KEY = "dashboard:admin:v1"
# Short enough that the numbers feel live, long enough that a room of admin screens
# polling the dashboard costs one aggregation per half minute.
ADMIN_DASHBOARD_CACHE_SECONDS = 30
RECENT_APPOINTMENTS = 10
TOP_DOCTORS = 5
UPCOMING_FOR_PATIENT = 10
# The front desk's list of the day, soonest first. A clinic of a few doctors never
# reaches it; a hospital-sized day pages through GET /api/appointments?date=... instead.
RECEPTION_TODAY_LIMIT = 200
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")

# A visit that took place or is due today: neither called off by anyone nor refused.
VISIT_STATUSES = (*ACTIVE_STATUSES, AppointmentStatus.NO_SHOW)
UPCOMING_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def clinic_periods(now: datetime) -> dict[str, Period]:
    """Today, this month and this year in clinic time, as half-open aware ranges."""
    today = timezone.localdate(now)
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    year_start = today.replace(month=1, day=1)
    return {
        "today": Period(_local_midnight(today), _local_midnight(today + timedelta(days=1))),
        "this_month": Period(_local_midnight(month_start), _local_midnight(next_month)),
        "this_year": Period(_local_midnight(year_start), _local_midnight(year_start.replace(year=today.year + 1))),
    }


def _appointment_items() -> QuerySet[Appointment]:
    """Appointments with the people a dashboard item shows, in the same query."""
    return Appointment.objects.select_related("patient", "doctor", "doctor__doctor_profile")


def _sum_money(expression, condition: Q):
    return Coalesce(Sum(expression, filter=condition), Value(ZERO), output_field=MONEY)


def revenue_aggregates(periods: dict[str, Period]) -> dict:
    """Fees paid in each period minus refunds processed in the same period.

    The fee counts on the day it was paid whatever happened later; a refund counts on
    the day it was processed. So a December payment refunded in January lowers January.
    """
    paid = Coalesce("payment_amount", "fee", output_field=MONEY)
    aggregates = {}
    for name, period in periods.items():
        aggregates[f"paid_{name}"] = _sum_money(paid, period.q("paid_at"))
        aggregates[f"refunded_{name}"] = _sum_money(
            "refund_amount", Q(refund_status=RefundStatus.PROCESSED) & period.q("refund_processed_at")
        )
    return aggregates


def admin_statistics(now: datetime) -> dict:
    periods = clinic_periods(now)
    today = timezone.localdate(now)
    people = User.objects.filter(deleted_at__isnull=True).aggregate(
        total_users=Count("id"),
        total_doctors=Count("id", filter=Q(role=Role.DOCTOR)),
        total_patients=Count("id", filter=Q(role=Role.PATIENT)),
    )
    numbers = Appointment.objects.aggregate(
        total_appointments=Count("id"),
        today_appointments=Count("id", filter=Q(appointment_date=today)),
        pending_appointments=Count("id", filter=Q(status=AppointmentStatus.PENDING)),
        completed_appointments=Count("id", filter=Q(status=AppointmentStatus.COMPLETED)),
        **revenue_aggregates(periods),
    )
    revenue = {name: numbers.pop(f"paid_{name}") - numbers.pop(f"refunded_{name}") for name in periods}
    return {**people, **numbers, "revenue": revenue}


def recent_appointments() -> list[Appointment]:
    return list(_appointment_items().order_by("-created_at")[:RECENT_APPOINTMENTS])


def top_doctors() -> list[User]:
    """Doctors with the most completed appointments; ties go to the better rated.

    Two queries instead of one join: counting completed rows per doctor first lets the
    database aggregate the appointment table once (a join-then-group walked every
    doctor's rows through the heap: seconds at a million appointments).
    """
    leaders = dict(
        Appointment.objects.filter(status=AppointmentStatus.COMPLETED)
        .values("doctor_id")
        .annotate(completed=Count("id"))
        .order_by("-completed", "doctor_id")
        .values_list("doctor_id", "completed")[:TOP_DOCTORS]
    )
    # The leaders first, then (for a young clinic) the best-rated doctors without completed visits.
    doctors = list(
        User.objects.filter(role=Role.DOCTOR, doctor_profile__isnull=False)
        .select_related("doctor_profile")
        .annotate(is_leader=Case(When(pk__in=list(leaders), then=Value(0)), default=Value(1)))
        .order_by("is_leader", "-doctor_profile__rating", "name")[:TOP_DOCTORS]
    )
    for doctor in doctors:
        doctor.appointment_count = leaders.get(doctor.pk, 0)
    return sorted(doctors, key=lambda d: (-d.appointment_count, -d.doctor_profile.rating, d.name))


def admin_dashboard_compute(now: datetime) -> dict:
    return {
        "statistics": admin_statistics(now),
        "recent_appointments": recent_appointments(),
        "top_doctors": top_doctors(),
    }


def admin_dashboard_get(*, now: datetime | None = None) -> dict:
    """The admin dashboard, cached for ADMIN_DASHBOARD_CACHE_SECONDS.

    The answer says when its numbers were computed and how old they are, so a screen
    can show "updated 20 s ago" instead of pretending to be live.
    """
    now = now or timezone.now()
    cached = cache.get(ADMIN_DASHBOARD_CACHE_KEY)
    if cached is None:
        cached = {**admin_dashboard_compute(now), "generated_at": now}
        cache.set(ADMIN_DASHBOARD_CACHE_KEY, cached, ADMIN_DASHBOARD_CACHE_SECONDS)
    age = max(0, int((now - cached["generated_at"]).total_seconds()))
    return {**cached, "cache_age_seconds": age}


def doctor_dashboard(doctor: User, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    working_hours = list(
        ScheduleBlock.objects.filter(doctor=doctor, day=WEEKDAYS[today.weekday()], is_available=True)
        .order_by("start_time")
        .values("start_time", "end_time")
    )
    mine = Appointment.objects.filter(appointment_scope(doctor))
    today_appointments = list(
        _appointment_items()
        .filter(appointment_scope(doctor), appointment_date=today, status__in=VISIT_STATUSES)
        .order_by("starts_at")
    )
    counts = mine.aggregate(
        today=Count("id", filter=Q(appointment_date=today, status__in=VISIT_STATUSES)),
        completed_today=Count("id", filter=Q(appointment_date=today, status=AppointmentStatus.COMPLETED)),
        pending=Count("id", filter=Q(status=AppointmentStatus.PENDING)),
        upcoming=Count("id", filter=Q(status__in=UPCOMING_STATUSES, starts_at__gt=now)),
    )
    counts["follow_ups_due"] = follow_ups_due(doctor, today=today).count()
    booked = counts["today"]
    productivity = round(counts["completed_today"] / booked, 2) if booked else 0.0
    return {
        "date": today,
        "working_hours": working_hours,
        "today_appointments": today_appointments,
        "counts": counts,
        "productivity": productivity,
    }


def follow_ups_due(doctor: User, *, today: date) -> QuerySet[Appointment]:
    """Completed visits whose follow-up date has come, with no later visit booked with this doctor."""
    return follow_ups_open().filter(appointment_scope(doctor), follow_up_date__lte=today)


def patient_follow_ups(patient: User, *, today: date) -> list[Appointment]:
    """The account's follow-ups from today on not yet booked, soonest first (members' included)."""
    return list(
        follow_ups_open()
        .filter(appointment_scope(patient), follow_up_date__gte=today)
        .select_related("doctor", "family_member")
        .order_by("follow_up_date", "starts_at")[:UPCOMING_FOR_PATIENT]
    )


def receptionist_dashboard(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    todays = Appointment.objects.filter(appointment_date=today)
    by_status = {status.name.lower(): Count("id", filter=Q(status=status.value)) for status in AppointmentStatus}
    numbers = todays.aggregate(
        unpaid_completed_today=Count(
            "id", filter=Q(status=AppointmentStatus.COMPLETED, payment_status=PaymentStatus.PENDING)
        ),
        **by_status,
    )
    return {
        "date": today,
        "pending_count": Appointment.objects.filter(status=AppointmentStatus.PENDING).count(),
        "unpaid_completed_today": numbers.pop("unpaid_completed_today"),
        "today_appointments": list(
            _appointment_items()
            .filter(appointment_date=today, status__in=VISIT_STATUSES)
            .order_by("starts_at", "doctor__name")[:RECEPTION_TODAY_LIMIT]
        ),
        "counts": numbers,
    }


def patient_dashboard(patient: User, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    mine = _appointment_items().filter(appointment_scope(patient))
    return {
        "upcoming_appointments": list(
            mine.filter(status__in=UPCOMING_STATUSES, starts_at__gt=now).order_by("starts_at")[:UPCOMING_FOR_PATIENT]
        ),
        "last_completed": mine.filter(status=AppointmentStatus.COMPLETED).order_by("-starts_at").first(),
        "unread_notifications": notification_unread_count(user=patient),
        "follow_ups_due": patient_follow_ups(patient, today=timezone.localdate(now)),
        "today_queue": patient_today_queue(patient, now=now),
    }


def patient_today_queue(patient: User, *, now: datetime) -> list[dict]:
    """The patient's visits of today that are confirmed or in consultation, soonest first, each with
    its place in the doctor's queue (`appointments_queue_info`), in a fixed number of queries."""
    today = (
        Appointment.objects.filter(
            appointment_scope(patient),
            appointment_date=timezone.localdate(now),
            status__in=(AppointmentStatus.CONFIRMED, AppointmentStatus.IN_PROGRESS),
        )
        .select_related("doctor", "doctor__doctor_profile", "family_member")
        .prefetch_related(
            Prefetch(
                "status_history",
                queryset=AppointmentStatusChange.objects.filter(to_status=AppointmentStatus.IN_PROGRESS),
            )
        )
        .order_by("starts_at", "id")
    )
    appointments = list(today[:UPCOMING_FOR_PATIENT])
    infos = appointments_queue_info(appointments=appointments, now=now)
    return [{"appointment": appointment, **infos[appointment.pk]} for appointment in appointments]
