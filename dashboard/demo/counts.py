"""How many users (by role) and appointments (by status) exist: `seed_demo` reports the difference it made."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from accounts.models import User
from appointments.models import Appointment


@dataclass(frozen=True)
class DemoCounts:
    users: Counter = field(default_factory=Counter)
    appointments: Counter = field(default_factory=Counter)

    def __sub__(self, before: "DemoCounts") -> "DemoCounts":
        return DemoCounts(users=self.users - before.users, appointments=self.appointments - before.appointments)


def _by(queryset, column: str) -> Counter:
    return Counter({row[column]: row["n"] for row in queryset.order_by().values(column).annotate(n=Count("pk"))})


def demo_counts() -> DemoCounts:
    return DemoCounts(users=_by(User.objects.all(), "role"), appointments=_by(Appointment.objects.all(), "status"))
