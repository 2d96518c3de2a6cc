"""Storing, deleting and logging access to medical files (SPEC.md §6).

Bytes go through Django's storage API (local disk or S3). A database transaction
cannot take back bytes already written, so every write happens inside
`files_rollback_guard()`: if the guarded block fails — including the commit of a
transaction opened inside it — the bytes it stored are deleted again.
"""

import contextlib
import contextvars
import hashlib
import ipaddress
import logging
import secrets
import time
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from arthomed.core.errors import PermissionDenied
from arthomed.core.roles import Role
from files.models import FileAccessLog, FileKind, StoredFile
from files.validation import DOCUMENT_TYPES, ValidatedFile, validate_upload, validate_uploads

logger = logging.getLogger("arthomed.files")

# Names stored inside each active guard (innermost last); a name joins every active guard,
# so an outer guard still cleans up after an inner block that succeeded.
_guards: contextvars.ContextVar[tuple[list[str], ...]] = contextvars.ContextVar("file_guards", default=())


@contextlib.contextmanager
def files_rollback_guard() -> Iterator[list[str]]:
    """Delete the bytes stored inside the block if the block raises.

    Wrap it around the transaction that creates the rows:
    `with files_rollback_guard(), transaction.atomic(): ...` — a failed commit raises
    out of `atomic()` into the guard too.
    """
    names: list[str] = []
    token = _guards.set((*_guards.get(), names))
    try:
        yield names
    except BaseException:
        _delete_bytes(names)
        raise
    finally:
        _guards.reset(token)


def file_store(
    *, upload, kind: str, owner, uploaded_by, appointment=None, allowed: frozenset[str] = DOCUMENT_TYPES
) -> StoredFile:
    """Validate one upload by content and store it; the row and the bytes exist together or not at all."""
    validated = validate_upload(upload, allowed=allowed)
    with files_rollback_guard(), transaction.atomic():
        return _store(validated, kind=kind, owner=owner, uploaded_by=uploaded_by, appointment=appointment)


def files_store_many(*, uploads: list, kind: str, owner, uploaded_by, appointment=None) -> list[StoredFile]:
    """Store several uploads all-or-nothing: every file is validated before the first byte is written."""
    validated = validate_uploads(uploads)
    with files_rollback_guard(), transaction.atomic():
        return [
            _store(item, kind=kind, owner=owner, uploaded_by=uploaded_by, appointment=appointment) for item in validated
        ]


def file_delete(*, file: StoredFile, actor) -> None:
    """Delete a file on request of its uploader or an admin."""
    if actor.role != Role.ADMIN and file.uploaded_by_id != actor.id:
        raise PermissionDenied("Only the uploader or an admin may delete this file")
    file_remove(file=file)


def file_remove(*, file: StoredFile) -> None:
    """Delete the row now and the bytes once the deletion has committed (a rollback keeps both)."""
    name = file.file.name
    with transaction.atomic():
        file.delete()
        transaction.on_commit(lambda: _delete_bytes([name]))


def file_log_access(*, file: StoredFile, user, ip_address: str | None) -> FileAccessLog:
    """Record one read of a file's content: who, which file, when, from where."""
    return FileAccessLog.objects.create(
        file=file,
        file_name=file.file.name,
        user=user if user is not None and user.is_authenticated else None,
        ip_address=_valid_ip(ip_address),
    )


def storage_name_for(*, kind: str, owner_id, extension: str) -> str:
    """`uploads/<kind>/<YYYY>/<MM>/<ownerId>_<timestamp>_<random>.<ext>` — nothing from the client."""
    now = timezone.localtime()
    stamp = int(time.time() * 1000)
    return f"uploads/{kind}/{now:%Y}/{now:%m}/{owner_id}_{stamp}_{secrets.token_hex(8)}.{extension}"


def _store(validated: ValidatedFile, *, kind: str, owner, uploaded_by, appointment) -> StoredFile:
    if kind not in FileKind.values:
        raise ValueError(f"unknown file kind {kind!r}")
    name = storage_name_for(kind=kind, owner_id=owner.pk, extension=validated.extension)
    stored_name = default_storage.save(name, ContentFile(validated.content))
    for names in _guards.get():
        names.append(stored_name)
    stored = StoredFile(
        kind=kind,
        original_name=validated.original_name,
        mime_type=validated.mime_type,
        size=len(validated.content),
        sha256=hashlib.sha256(validated.content).hexdigest(),
        owner=owner,
        uploaded_by=uploaded_by,
        appointment=appointment,
    )
    stored.file.name = stored_name
    stored.save()
    return stored


def _delete_bytes(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            # Left for `purge_orphan_files`; the request's own outcome must not change.
            logger.exception("Could not delete stored file %s", name)


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
