from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from arthomed.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder (see `backup`) into an empty PostgreSQL database and an empty media directory."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="an arthomed-<UTC time> folder written by `manage.py backup`")
        parser.add_argument(
            "--database-url", default=settings.DATABASE_URL, help="target database (default: DATABASE_URL)"
        )
        parser.add_argument(
            "--media-root", default=str(settings.MEDIA_ROOT), help="target media directory (default: MEDIA_ROOT)"
        )

    def handle(self, *args, **options):
        try:
            backup_restore(
                source=options["folder"], database_url=options["database_url"], media_root=options["media_root"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {options['folder']} into {options['media_root']} and the database.")
