"""`manage.py send_reminders`: send due appointment reminders (idempotent, safe from cron)."""

from django.core.management.base import BaseCommand

from appointments.notifications import reminders_send_due


class Command(BaseCommand):
    help = (
        "Send the reminder SMS and feed entry for confirmed appointments starting within "
        "REMINDER_HOURS_BEFORE hours. Each appointment is reminded once, however often this runs."
    )

    def handle(self, *args, **options):
        sent = reminders_send_due()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder(s)."))
