"""Who may see which file (SPEC.md §2): need-to-know, and 404 for everything else.

Medical files (appointment reports and prescriptions):
- patient: their own; doctor: those of appointments booked with them; admin: all;
- receptionist: the metadata (to run the desk) but never the content.
Profile pictures are personal data too, but not clinical:
- staff members' and doctors' pictures: any signed-in user (the doctor directory shows them);
- a patient's picture: the patient, admins, receptionists (to recognise them at the desk)
  and doctors the patient has an appointment with.
Anyone else gets FILE_NOT_FOUND, exactly as for a file that does not exist.
"""

import re
import uuid

from django.db.models import Q, QuerySet

from arthomed.core.errors import FileNotFound
from arthomed.core.roles import Role
from arthomed.core.scope import NOTHING, appointment_scope
from files.models import FileKind, StoredFile

MEDICAL_KINDS = (FileKind.APPOINTMENT_REPORT, FileKind.APPOINTMENT_PRESCRIPTION)
# The short `type` of `/api/files/<type>/<filename>`.
KINDS_BY_TYPE = {
    "reports": (FileKind.APPOINTMENT_REPORT,),
    "prescriptions": (FileKind.APPOINTMENT_PRESCRIPTION,),
    "appointments": MEDICAL_KINDS,
    "profiles": (FileKind.PROFILE,),
}
# Exactly the names `files.services.storage_name_for` generates; anything else (dots,
# slashes, encoded traversal) cannot name a stored file.
STORED_FILENAME_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_[0-9]{1,20}_[0-9a-f]{16}\.(?:jpg|png|pdf)"
)
# The old API's `path`: uploads/<kind>/<YYYY>/<MM>/<stored name> (spelled out so the ReDoS audit can read it).
STORED_PATH_RE = re.compile(
    r"uploads/(?P<kind>[a-z]+(?:/[a-z]+)?)/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/"
    r"(?P<name>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_[0-9]{1,20}_[0-9a-f]{16}\.(?:jpg|png|pdf))"
)


def _avatar_q(actor) -> Q:
    visible = Q(owner=actor) | Q(owner__role__in=[Role.DOCTOR, Role.ADMIN, Role.RECEPTIONIST])
    if actor.role in (Role.ADMIN, Role.RECEPTIONIST):
        visible = Q()
    elif actor.role == Role.DOCTOR:
        visible |= Q(owner__patient_appointments__doctor=actor)
    return Q(kind=FileKind.PROFILE) & visible


def medical_content_readable_by(actor) -> bool:
    """May this role read medical file content at all? The front desk gets metadata only (SPEC.md §2)."""
    return actor.role != Role.RECEPTIONIST


def _medical_q(actor, *, content: bool) -> Q:
    medical = Q(kind__in=MEDICAL_KINDS)
    if content and not medical_content_readable_by(actor):
        return NOTHING
    if actor.role in (Role.ADMIN, Role.RECEPTIONIST):
        return medical
    if actor.role == Role.PATIENT:
        # A patient also sees what they uploaded themself (e.g. before the booking was saved).
        return medical & (Q(owner=actor) | appointment_scope(actor, via="appointment__"))
    return medical & appointment_scope(actor, via="appointment__")


def files_visible_to(actor, *, content: bool) -> QuerySet[StoredFile]:
    """Files whose metadata (`content=False`) or bytes (`content=True`) this user may see."""
    if actor is None or not actor.is_authenticated:
        return StoredFile.objects.none()
    scope = _medical_q(actor, content=content) | _avatar_q(actor)
    # The doctor's avatar rule joins appointments; `pk__in` keeps one row per file.
    return StoredFile.objects.filter(pk__in=StoredFile.objects.filter(scope).values("pk")).select_related("owner")


def _stored_file_q(file_id_or_name: object) -> Q | None:
    """`/api/files/<id>`: the file's `_id`, or its stored name as the old API used it."""
    try:
        return Q(pk=uuid.UUID(str(file_id_or_name)))
    except (TypeError, ValueError, AttributeError):
        pass
    name = str(file_id_or_name)
    if STORED_FILENAME_RE.fullmatch(name):
        return Q(file__endswith=f"/{name}", file__startswith="uploads/")
    return None


def file_get_for(actor, file_id: object, *, content: bool = False) -> StoredFile:
    """A file by `_id` or stored name, if `actor` may see its metadata (or its bytes, `content=True`)."""
    match = _stored_file_q(file_id)
    stored = files_visible_to(actor, content=content).filter(match).first() if match is not None else None
    if stored is None:
        raise FileNotFound()
    return stored


def file_get_by_name_for(actor, file_type: str, filename: str) -> StoredFile:
    """`/api/files/<type>/<filename>`: only generated names of a known type are looked up."""
    kinds = KINDS_BY_TYPE.get(file_type)
    if kinds is None or not STORED_FILENAME_RE.fullmatch(filename):
        raise FileNotFound()
    return _first_visible(actor, Q(kind__in=kinds, file__endswith=f"/{filename}", file__startswith="uploads/"))


def file_get_by_path_for(actor, path: str) -> StoredFile:
    """The old API's `url`: `uploads/<kind>/<YYYY>/<MM>/<stored name>`.

    The kind may be the old, shorter `appointments` (reports and prescriptions alike).
    """
    parts = STORED_PATH_RE.fullmatch(path)
    if parts is None:
        raise FileNotFound()
    kind = parts["kind"]
    kinds = [value for value in FileKind.values if value == kind or value.startswith(f"{kind}/")]
    tail = f"/{parts['year']}/{parts['month']}/{parts['name']}"
    return _first_visible(actor, Q(kind__in=kinds, file__endswith=tail, file__startswith="uploads/"))


def _first_visible(actor, match: Q) -> StoredFile:
    stored = files_visible_to(actor, content=True).filter(match).first()
    if stored is None:
        raise FileNotFound()
    return stored
