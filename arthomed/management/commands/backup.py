from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arthomed.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the PostgreSQL database (pg_dump, custom format) and the media files into a new timestamped folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="folder that receives arthomed-<UTC time>/")

    def handle(self, *args, **options):
        try:
            folder = backup_create(destination=Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
