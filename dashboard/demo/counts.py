"""How many users (by role), family members (by relation) and appointments (by status) exist:
`seed_demo` reports the difference it made."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from accounts.models import FamilyMember, User
from appointments.models import Appointment


@dataclass(frozen=True)
class DemoCounts:
    users: Counter = field(default_factory=Counter)
    appointments: Counter = field(default_factory=Counter)
    family_members: Counter = field(default_factory=Counter)

    def __sub__(self, before: "DemoCounts") -> "DemoCounts":
        return DemoCounts(
            users=self.users - before.users,
            appointments=self.appointments - before.appointments,
            family_members=self.family_members - before.family_members,
        )


def _by(queryset, column: str) -> Counter:
    return Counter({row[column]: row["n"] for row in queryset.order_by().values(column).annotate(n=Count("pk"))})


def demo_counts() -> DemoCounts:
    return DemoCounts(
        users=_by(User.objects.all(), "role"),
        appointments=_by(Appointment.objects.all(), "status"),
        family_members=_by(FamilyMember.objects.all(), "relation"),
    )
