"""Periodic housekeeping of sign-in data (Celery beat; see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from accounts.services.auth import otp_purge
from accounts.services.sessions import tokens_purge_expired


@shared_task(name="accounts.tasks.purge_expired_otps")
def purge_expired_otps() -> int:
    return otp_purge()


@shared_task(name="accounts.tasks.purge_expired_tokens")
def purge_expired_tokens() -> int:
    return tokens_purge_expired()
