"""Issuing, reading and revoking JWTs (simplejwt). Tokens carry the user's `token_version`.

Revocation uses simplejwt's blacklist tables for both kinds of token: refresh tokens
are listed as outstanding when issued; an access token is listed (and blacklisted)
when its holder logs out, and authentication refuses blacklisted access tokens.
"""

from django.conf import settings
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from arthomed.core.errors import TokenExpired, TokenInvalid

VERSION_CLAIM = "ver"


class RefreshTokenClaims(Token):
    """A refresh token checked for signature, expiry and type, but not yet for the blacklist.

    The refresh service checks the blacklist itself, under a row lock, after checking the
    user, so a deactivated user hears USER_INACTIVE and two concurrent refreshes with one
    token cannot both win.
    """

    token_type = RefreshToken.token_type
    lifetime = RefreshToken.lifetime


def tokens_for(user) -> dict:
    """`tokens` of SPEC.md §3: accessToken, refreshToken, expiresIn (seconds)."""
    refresh = RefreshToken.for_user(user)
    refresh[VERSION_CLAIM] = user.token_version
    return {
        "accessToken": str(refresh.access_token),
        "refreshToken": str(refresh),
        "expiresIn": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
    }


def _read(token_class: type[Token], raw: str | bytes) -> Token:
    try:
        return token_class(raw)
    except ExpiredTokenError as exc:
        raise TokenExpired() from exc
    except TokenError as exc:
        raise TokenInvalid() from exc


def read_access_token(raw: str | bytes) -> AccessToken:
    """A verified access token (signature, expiry, type); raises TOKEN_EXPIRED / TOKEN_INVALID."""
    return _read(AccessToken, raw)


def read_refresh_token(raw: str | bytes) -> RefreshTokenClaims:
    """A verified refresh token (signature, expiry, type); raises TOKEN_EXPIRED / TOKEN_INVALID."""
    return _read(RefreshTokenClaims, raw)


def token_jti(token: Token) -> str:
    return token[jwt_settings.JTI_CLAIM]


def token_user_id(token: Token) -> str | None:
    return token.get(jwt_settings.USER_ID_CLAIM)


def token_blacklist(token: Token, *, user) -> None:
    """Blacklist one token (access or refresh); idempotent."""
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=token_jti(token),
        defaults={
            "user": user,
            "token": str(token),
            "created_at": datetime_from_epoch(token["iat"]) if "iat" in token else None,
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    BlacklistedToken.objects.get_or_create(token=outstanding)
