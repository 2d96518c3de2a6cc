"""The people of one account (SPEC.md §11): the holder ("self") and their live family members.

`appointment_person` is the one answer to "whom is this appointment for?", shared by the
booking, the appointment JSON and the patient record.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from accounts.models import FamilyMember, User
from accounts.selectors.people import parse_uuid
from arthomed.core.errors import NotFound
from arthomed.core.roles import Role

SELF = "self"  # the relation of the account holder among an account's people


def age_on(date_of_birth: date | None, *, today: date | None = None) -> int | None:
    """Whole years on `today` (the clinic's date), or None without a date of birth."""
    if date_of_birth is None:
        return None
    today = today or timezone.localdate()
    return today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))


def family_members_live(*, account: User):
    return FamilyMember.objects.filter(account=account, removed_at__isnull=True).order_by("created_at", "id")


def family_member_get(*, account: User, member_id) -> FamilyMember:
    """A live member of this account; another account's, a removed one or a malformed id is 404."""
    pk = parse_uuid(member_id)
    member = family_members_live(account=account).filter(pk=pk).first() if pk else None
    if member is None:
        raise NotFound(details={"resource": "familyMember"})
    return member


@dataclass(frozen=True)
class Person:
    """One person of an account: the holder (member None) or a family member."""

    account: User
    member: FamilyMember | None

    @property
    def id(self) -> str:
        return str(self.member.pk if self.member else self.account.pk)

    @property
    def name(self) -> str:
        return self.member.name if self.member else self.account.name

    @property
    def relation(self) -> str:
        return self.member.relation if self.member else SELF

    @property
    def row(self) -> User | FamilyMember:
        """Where this person's own facts live: date of birth, gender, blood group, allergies, history."""
        return self.member or self.account


def appointment_person(appointment) -> Person:
    """The person an appointment is for: its family member, else the account holder (the patient)."""
    return Person(account=appointment.patient, member=appointment.family_member)


def account_people(*, account: User) -> list[Person]:
    """The holder first, then the live members: the candidates of an ambiguous staff booking."""
    return [Person(account=account, member=None)] + [
        Person(account=account, member=member) for member in family_members_live(account=account)
    ]


def person_get(person_id: object) -> Person:
    """A person by id: a family member (removed ones too: their past record stays theirs) or a patient
    account's holder (not a deleted account); anything else is 404 NOT_FOUND. Callers check access."""
    pk = parse_uuid(person_id)
    member = FamilyMember.objects.select_related("account").filter(pk=pk).first() if pk else None
    if member is not None:
        return Person(account=member.account, member=member)
    holder = User.objects.filter(pk=pk, role=Role.PATIENT, deleted_at__isnull=True).first() if pk else None
    if holder is None:
        raise NotFound(details={"resource": "person"})
    return Person(account=holder, member=None)


def person_summary(person: Person) -> dict:
    """Who the person is, as the doctor needs them: a member's own facts, never the holder's."""
    row = person.row
    return {
        "id": row.pk,
        "name": row.name,
        "age": age_on(row.date_of_birth),
        "gender": row.gender,
        "blood_group": row.blood_group,
        "allergies": row.allergies,
        "medical_history": row.medical_history,
        "relation": person.relation,
    }
