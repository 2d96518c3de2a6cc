"""Remove stored bytes under `uploads/` that no StoredFile row references.

Bytes are written just before their row commits, so very young files are left alone
(`--min-age-minutes`): an upload in flight is not an orphan.
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from files.models import StoredFile

ROOT = "uploads"


def stored_names(storage, directory: str = ROOT) -> list[str]:
    """Every file name under `directory` in the storage, recursively."""
    names: list[str] = []
    pending = [directory]
    while pending:
        current = pending.pop()
        try:
            subdirectories, files = storage.listdir(current)
        except FileNotFoundError:
            continue
        names.extend(f"{current}/{name}" for name in files)
        pending.extend(f"{current}/{name}" for name in subdirectories)
    return sorted(names)


class Command(BaseCommand):
    help = "Delete stored files that no database row references (use --dry-run to only list them)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; remove nothing.")
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=60,
            help="Leave files younger than this alone (uploads in flight). Default 60.",
        )

    def handle(self, *args, dry_run: bool = False, min_age_minutes: int = 60, **options):
        referenced = set(StoredFile.objects.values_list("file", flat=True))
        cutoff = timezone.now() - timedelta(minutes=max(0, min_age_minutes))
        orphans = [
            name
            for name in stored_names(default_storage)
            if name not in referenced and default_storage.get_modified_time(name) <= cutoff
        ]
        verb = "Would remove" if dry_run else "Removed"
        for name in orphans:
            if not dry_run:
                default_storage.delete(name)
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} orphan file(s)."))
