"""Issuing and reading JWTs (simplejwt). Tokens carry the user's `token_version`."""

from django.conf import settings
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from arthomed.api.errors import TokenExpired, TokenInvalid

VERSION_CLAIM = "ver"


def tokens_for(user) -> dict:
    """`tokens` of SPEC.md §3: accessToken, refreshToken, expiresIn (seconds)."""
    refresh = RefreshToken.for_user(user)
    refresh[VERSION_CLAIM] = user.token_version
    return {
        "accessToken": str(refresh.access_token),
        "refreshToken": str(refresh),
        "expiresIn": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
    }


def read_access_token(raw: str | bytes) -> AccessToken:
    """A verified access token (signature, expiry, type); raises TOKEN_EXPIRED / TOKEN_INVALID."""
    try:
        return AccessToken(raw)
    except ExpiredTokenError as exc:
        raise TokenExpired() from exc
    except TokenError as exc:
        raise TokenInvalid() from exc
