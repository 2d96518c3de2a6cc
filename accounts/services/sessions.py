"""Signed-in sessions (SPEC.md §3): refresh-token rotation, logout, revoking every token of a user.

Apart from the OTP sign-in (accounts/services/auth.py) so that user services (deactivation,
account deletion) can revoke tokens without importing the sign-in, which creates users.
"""

import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.tokens import VERSION_CLAIM, read_refresh_token, token_blacklist, token_jti, token_user_id, tokens_for
from arthomed.core.errors import ApplicationError, TokenInvalid, UserInactive


def token_refresh(*, refresh_token: str) -> dict:
    """Rotate a refresh token: the old one is blacklisted and new tokens are issued.

    A used, revoked or pre-deactivation refresh token is refused.
    """
    claims = read_refresh_token(refresh_token)
    try:
        user_id = uuid.UUID(str(token_user_id(claims)))
    except ValueError as exc:
        raise TokenInvalid() from exc
    with transaction.atomic():
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise TokenInvalid()
        if not user.is_active:
            raise UserInactive()
        if claims.get(VERSION_CLAIM) != user.token_version:
            raise TokenInvalid("Token has been revoked")
        # The row lock makes a concurrent second use of the same token wait, then fail.
        outstanding = OutstandingToken.objects.select_for_update().filter(jti=token_jti(claims), user=user).first()
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            raise TokenInvalid("Refresh token has already been used or revoked")
        BlacklistedToken.objects.create(token=outstanding)
        return tokens_for(user)


@transaction.atomic
def session_logout(*, user: User, access_token, refresh_token: str | None = None) -> None:
    """Revoke the access token the caller used and, when given, the caller's refresh token."""
    token_blacklist(access_token, user=user)
    if not refresh_token:
        return
    try:
        claims = read_refresh_token(refresh_token)
    except ApplicationError:
        return  # expired or malformed: it cannot be used anyway
    if str(token_user_id(claims)) == str(user.pk):
        token_blacklist(claims, user=user)


@transaction.atomic
def user_revoke_tokens(*, user: User) -> None:
    """Revoke every token of the user at once (deactivation, account deletion).

    Bumping `token_version` kills access and refresh tokens on their next use; the
    outstanding refresh tokens are also blacklisted so they show as revoked.
    """
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live], ignore_conflicts=True)
    user.refresh_from_db(fields=["token_version"])


def tokens_purge_expired(*, now: datetime | None = None) -> int:
    """Delete expired outstanding/blacklisted tokens (like simplejwt's flushexpiredtokens)."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
