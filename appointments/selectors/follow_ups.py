"""Follow-ups still to be booked (SPEC.md §11): read by the dashboards and by the follow-up reminder job."""

from django.db.models import Exists, OuterRef, QuerySet, UUIDField
from django.db.models.functions import Coalesce

from appointments.models import ACTIVE_STATUSES, Appointment, AppointmentStatus


def _person_key():
    # The person seen: the family member, else the account holder (SPEC.md §11). A plain
    # `family_member = OuterRef(...)` would never match two holders' visits (NULL = NULL).
    return Coalesce("family_member_id", "patient_id", output_field=UUIDField())


def follow_ups_open() -> QuerySet[Appointment]:
    """Completed visits with a follow-up date and no later visit of the same person with the same doctor.

    A later pending, confirmed, in-progress or completed visit counts as the follow-up booked;
    a cancelled, rejected or missed one does not.
    """
    later_visit = Appointment.objects.annotate(person_key=_person_key()).filter(
        doctor=OuterRef("doctor"),
        person_key=OuterRef("person_key"),
        starts_at__gt=OuterRef("starts_at"),
        status__in=ACTIVE_STATUSES,
    )
    return (
        Appointment.objects.annotate(person_key=_person_key())
        .filter(status=AppointmentStatus.COMPLETED, follow_up_date__isnull=False)
        .filter(~Exists(later_visit))
    )
