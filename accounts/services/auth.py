"""Sign-in (SPEC.md §3): one-time codes by SMS (sessions are in accounts/services/sessions.py).

Limits per mobile number, designed so that nobody can be locked out by strangers:
- one SMS per `OTP_RESEND_COOLDOWN_SECONDS`, at most `OTP_MAX_PER_NUMBER_PER_HOUR` in any hour;
- when that budget is spent, asking again sends nothing: the latest code already sent
  (every code goes to the number's owner) stays valid, renewed up to an hour from its SMS;
- when the budget is spent and no code is usable (used, or killed by `OTP_MAX_ATTEMPTS`
  wrong tries), one more SMS may go `OTP_LOCKOUT_SECONDS` (15 min) after the last one.
So SMS to one number stay at most budget + 3600 / lockout an hour (5 + 4 by default),
and a stranger asking for codes from any number of addresses delays the owner by at most
the lockout. Limits are counted from `OtpCode` rows in the database, so they hold across
processes and restarts whatever the cache; a code's wrong-attempt counter is updated
under a row lock, so parallel guesses cannot exceed the limit.
"""

import hmac
import ipaddress
import secrets
from datetime import datetime, timedelta
from hashlib import sha256

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import OtpCode, User
from accounts.phone import normalize_mobile
from accounts.services.users import email_if_free, user_create
from arthomed.core.errors import (
    AlreadyExists,
    ApplicationError,
    OtpExpired,
    OtpInvalid,
    OtpMaxAttempts,
    OtpNotFound,
    OtpResendTooSoon,
    RateLimitExceeded,
    SmsDeliveryFailed,
    UserInactive,
    retry_after,
)
from arthomed.sms import send_sms

OTP_DIGITS = 6
# The hourly caps look back this far; rows younger than this are kept by the purge.
OTP_COUNT_WINDOW = timedelta(hours=1)
OTP_SENT_MESSAGE = "OTP sent to your mobile number"
OTP_HELD_MESSAGE = "An OTP was already sent to your mobile number; enter the latest one you received"


# --- One-time codes -----------------------------------------------------------------


def otp_hash(*, mobile_number: str, code: str) -> str:
    """Keyed hash of a code: a leaked table alone does not reveal codes."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{mobile_number}:{code}".encode(), sha256).hexdigest()


def otp_message(code: str) -> str:
    """SMS text: names the app and the validity; the code comes first for OS autofill.

    With `OTP_SMS_APP_HASH` set, the text ends with Android's 11-character app hash, which
    lets the SMS Retriever API hand the message to the app (no `<#>` prefix is needed any more).
    """
    seconds = settings.OTP_EXPIRY_SECONDS
    validity = f"{seconds // 60} minutes" if seconds % 60 == 0 else f"{seconds} seconds"
    text = f"{code} is your {settings.CLINIC_NAME} sign-in code. It is valid for {validity}. Do not share it."
    if settings.OTP_SMS_APP_HASH:
        text += f"\n\n{settings.OTP_SMS_APP_HASH}"
    return text


def _valid_ip(ip_address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(ip_address)) if ip_address else None
    except ValueError:
        return None


def _serialize_sends(mobile_number: str, ip_address: str | None) -> None:
    """Make concurrent sends for one number or one IP take turns, so the counts below are exact.

    PostgreSQL: transaction-scoped advisory locks (always number first, then IP: no deadlock).
    SQLite: the IMMEDIATE transaction already holds the database write lock.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"otp-number:{mobile_number}"])
        if ip_address:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"otp-ip:{ip_address}"])


def _seconds_until(moment: datetime, now: datetime) -> float:
    return max(0.0, (moment - now).total_seconds())


def _enforce_ip_limit(ip_address: str | None, now: datetime) -> None:
    if ip_address is None:
        return
    window_start = now - OTP_COUNT_WINDOW
    from_ip = OtpCode.objects.filter(ip_address=ip_address, created_at__gt=window_start).order_by("created_at")
    if from_ip.count() >= settings.OTP_MAX_PER_IP_PER_HOUR:
        wait = _seconds_until(from_ip.first().created_at + OTP_COUNT_WINDOW, now)
        raise RateLimitExceeded("Too many OTP requests; try again later", headers=retry_after(wait))


def _holdable(otp: OtpCode, now: datetime) -> bool:
    """Whether the latest code can stand in for a new SMS: not used, not dead, not too old."""
    return not otp.is_spent and otp.attempts < settings.OTP_MAX_ATTEMPTS and now < otp.created_at + OTP_COUNT_WINDOW


def _hold(otp: OtpCode, now: datetime, *, budget_frees_at: datetime) -> dict:
    """Keep the code already sent usable instead of sending another (the number's SMS budget is spent).

    Its life is renewed for another `OTP_EXPIRY_SECONDS`, never past an hour from its SMS:
    by then the hourly budget has room again and a fresh code can be sent.
    """
    otp.expires_at = min(
        otp.created_at + OTP_COUNT_WINDOW, max(otp.expires_at, now + timedelta(seconds=settings.OTP_EXPIRY_SECONDS))
    )
    otp.save(update_fields=["expires_at"])
    return {
        "message": OTP_HELD_MESSAGE,
        "expires_in": int(_seconds_until(otp.expires_at, now)),
        "resend_after": int(_seconds_until(budget_frees_at, now)),
    }


def _send_decision(mobile_number: str, now: datetime) -> dict | None:
    """None: a new SMS may go. A dict: the answer that keeps the code already sent instead.

    Raises 429 while the cooldown runs, or while the budget is spent and no code is live
    (then a new SMS may go `OTP_LOCKOUT_SECONDS` after the last one, whatever the budget).
    """
    recent = OtpCode.objects.filter(mobile_number=mobile_number, created_at__gt=now - OTP_COUNT_WINDOW)
    latest = recent.order_by("-created_at", "-pk").first()
    if latest is None:
        return None
    cooldown_ends = latest.created_at + timedelta(seconds=settings.OTP_RESEND_COOLDOWN_SECONDS)
    if cooldown_ends > now:
        wait = _seconds_until(cooldown_ends, now)
        raise OtpResendTooSoon(
            f"Please wait {retry_after(wait)['Retry-After']} seconds before requesting another OTP",
            headers=retry_after(wait),
        )
    if recent.count() < settings.OTP_MAX_PER_NUMBER_PER_HOUR:
        return None
    if _holdable(latest, now):
        oldest = recent.order_by("created_at", "pk").first()
        return _hold(latest, now, budget_frees_at=oldest.created_at + OTP_COUNT_WINDOW)
    lockout_ends = latest.created_at + timedelta(seconds=settings.OTP_LOCKOUT_SECONDS)
    if lockout_ends <= now:
        return None
    raise RateLimitExceeded(
        "Too many OTP requests for this number; try again later", headers=retry_after(_seconds_until(lockout_ends, now))
    )


def otp_send(*, mobile_number: str, ip_address: str | None) -> dict:
    """Create a code for the number, replacing any live one, and send it by SMS.

    When the number's hourly SMS budget is spent, no SMS goes out: the code already sent
    stays usable instead (see `_send_decision`), so strangers asking for codes cannot keep
    its owner from signing in. The answer never depends on whether the number has an
    account (no enumeration).
    """
    number = normalize_mobile(mobile_number)
    ip = _valid_ip(ip_address)
    code = f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"
    with transaction.atomic():
        _serialize_sends(number, ip)
        now = timezone.now()
        _enforce_ip_limit(ip, now)
        held = _send_decision(number, now)
        if held is not None:
            return held
        OtpCode.objects.filter(mobile_number=number, consumed_at__isnull=True, invalidated_at__isnull=True).update(
            invalidated_at=now
        )
        otp = OtpCode.objects.create(
            mobile_number=number,
            code_hash=otp_hash(mobile_number=number, code=code),
            ip_address=ip,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.OTP_EXPIRY_SECONDS),
        )
    # Sent after the row is committed and outside the transaction: the caller needs the
    # provider's verdict now (503 on failure), and no lock is held while the provider answers.
    try:
        send_sms(number, otp_message(code))
    except SmsDeliveryFailed as exc:
        # The unsent code must not stay usable; the row still counts towards the caps.
        OtpCode.objects.filter(pk=otp.pk).update(invalidated_at=timezone.now())
        raise SmsDeliveryFailed(
            "Could not send the OTP by SMS; please try again shortly",
            headers=retry_after(settings.OTP_RESEND_COOLDOWN_SECONDS),
        ) from exc
    return {
        "message": OTP_SENT_MESSAGE,
        "expires_in": settings.OTP_EXPIRY_SECONDS,
        "resend_after": settings.OTP_RESEND_COOLDOWN_SECONDS,
    }


def _latest_code_locked(mobile_number: str) -> OtpCode | None:
    return (
        OtpCode.objects.select_for_update().filter(mobile_number=mobile_number).order_by("-created_at", "-pk").first()
    )


def _judge(otp: OtpCode | None, *, mobile_number: str, code: str, now: datetime) -> ApplicationError | None:
    """The error for this guess, or None when it is right. A wrong guess is recorded on the row."""
    max_attempts = settings.OTP_MAX_ATTEMPTS
    if otp is None or otp.consumed_at is not None:
        return OtpNotFound()
    if otp.attempts >= max_attempts:
        return OtpMaxAttempts()
    if otp.invalidated_at is not None:  # replaced, or its SMS never went out
        return OtpNotFound()
    if now >= otp.expires_at:
        return OtpExpired()
    if hmac.compare_digest(otp.code_hash, otp_hash(mobile_number=mobile_number, code=str(code))):
        return None
    otp.attempts += 1
    if otp.attempts >= max_attempts:
        otp.invalidated_at = now
    otp.save(update_fields=["attempts", "invalidated_at"])
    left = max_attempts - otp.attempts
    return OtpInvalid(
        f"Invalid OTP. {left} attempt{'s' if left != 1 else ''} remaining", details={"attempts_left": left}
    )


def _consume(otp: OtpCode, now: datetime) -> None:
    otp.consumed_at = now
    otp.save(update_fields=["consumed_at"])


def otp_check(*, mobile_number: str, code: str) -> None:
    """Validate and consume the live code of a number, or raise an OTP_* error.

    A wrong guess is committed before the error is raised, so it counts even when the
    caller's request fails.
    """
    number = normalize_mobile(mobile_number)
    with transaction.atomic():
        now = timezone.now()
        otp = _latest_code_locked(number)
        failure = _judge(otp, mobile_number=number, code=code, now=now)
        if failure is None:
            _consume(otp, now)
    if failure is not None:
        raise failure


def _login_or_register(*, mobile_number: str, name: str | None, email: str | None) -> tuple[User, bool]:
    user = User.objects.filter(mobile_number=mobile_number).first()
    if user is None:
        # An e-mail another account holds is left off, with the same answer: sign-in must not
        # tell which addresses are registered.
        user = user_create(mobile_number=mobile_number, name=name or "", email=email_if_free(email), is_verified=True)
        return user, True
    if not user.is_active:
        raise UserInactive()
    if not user.is_verified:
        User.objects.filter(pk=user.pk).update(is_verified=True)
        user.is_verified = True
    return user, False


def otp_verify_and_login(
    *, mobile_number: str, code: str, name: str | None = None, email: str | None = None
) -> tuple[User, bool]:
    """Check the code, then log the number's user in or register a new patient: (user, is_new_user).

    The code is consumed only together with a successful sign-in, so a refused
    registration (e.g. an e-mail already in use) leaves it usable for a corrected retry.
    Whether the account exists or is deactivated is only revealed to the holder of a valid code.
    """
    number = normalize_mobile(mobile_number)
    result = None
    with transaction.atomic():
        now = timezone.now()
        otp = _latest_code_locked(number)
        failure = _judge(otp, mobile_number=number, code=code, now=now)
        if failure is None:
            try:
                with transaction.atomic():
                    result = _login_or_register(mobile_number=number, name=name, email=email)
            except (UserInactive, AlreadyExists) as exc:
                failure = exc
            else:
                _consume(otp, now)
    if failure is not None:
        raise failure
    return result


def otp_purge(*, now: datetime | None = None) -> int:
    """Delete expired codes that no longer count towards any cap; returns how many."""
    now = now or timezone.now()
    deleted, _ = OtpCode.objects.filter(expires_at__lt=now, created_at__lt=now - OTP_COUNT_WINDOW).delete()
    return deleted
