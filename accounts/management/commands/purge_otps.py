from django.core.management.base import BaseCommand

from accounts.services.auth import otp_purge


class Command(BaseCommand):
    help = "Delete expired one-time codes that no longer count towards the hourly limits (safe from cron)."

    def handle(self, *args, **options):
        deleted = otp_purge()
        self.stdout.write(f"Deleted {deleted} expired OTP code(s).")
