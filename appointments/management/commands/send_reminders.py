"""`manage.py send_reminders`: send due appointment reminders (idempotent, safe from cron)."""

from django.core.management.base import BaseCommand

from appointments.notifications import follow_up_reminders_send_due, reminders_send_due


class Command(BaseCommand):
    help = (
        "Send the reminder SMS and feed entry for confirmed appointments starting within "
        "REMINDER_HOURS_BEFORE hours, and for follow-ups not yet booked that are due within "
        "FOLLOW_UP_REMINDER_DAYS days. Each is sent once, however often this runs."
    )

    def handle(self, *args, **options):
        sent = reminders_send_due()
        follow_ups = follow_up_reminders_send_due()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder(s) and {follow_ups} follow-up reminder(s)."))
