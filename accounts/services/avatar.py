"""Profile pictures (SPEC.md §4): JPEG or PNG, stored like every other file."""

from django.db import transaction

from accounts.models import User
from files.models import FileKind
from files.services import file_remove, file_store, files_rollback_guard
from files.validation import IMAGE_TYPES


def user_avatar_set(*, user: User, upload) -> User:
    """Store the new picture and point the user at it; the previous one is deleted with its bytes."""
    with files_rollback_guard(), transaction.atomic():
        previous = user.avatar
        user.avatar = file_store(
            upload=upload, kind=FileKind.PROFILE, owner=user, uploaded_by=user, allowed=IMAGE_TYPES
        )
        user.save(update_fields=["avatar", "updated_at"])
        if previous is not None:
            file_remove(file=previous)
    return user
