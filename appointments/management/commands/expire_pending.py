"""`manage.py expire_pending`: reject pending bookings nobody confirmed by their start time (safe from cron)."""

from django.core.management.base import BaseCommand

from appointments.services.lifecycle import appointments_expire_pending


class Command(BaseCommand):
    help = "Reject, with reason 'expired', pending appointments whose start time has passed."

    def handle(self, *args, **options) -> None:
        expired = appointments_expire_pending()
        self.stdout.write(f"Expired {expired} pending appointment(s).")
