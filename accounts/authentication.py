"""Bearer access-token authentication, checked against the user row on every request."""

import uuid
from functools import cache

from django.db import connection
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.tokens import VERSION_CLAIM, read_access_token, token_jti, token_user_id
from arthomed.core.errors import TokenInvalid, UserInactive
from arthomed.core.rows import instance_from_row


@cache
def _user_unless_revoked_sql() -> str:
    """The user row, unless this very token was blacklisted at logout: one statement.

    Written once instead of built by the ORM on every request: compiling the equivalent
    queryset (an `Exists` over the blacklist) cost more than the query itself.
    """
    quote = connection.ops.quote_name
    user, outstanding, blacklisted = User._meta, OutstandingToken._meta, BlacklistedToken._meta
    columns = ", ".join(f"u.{quote(field.column)}" for field in user.concrete_fields)
    # Identifiers come from the models' metadata; the two values are bound parameters.
    return (
        f"SELECT {columns} FROM {quote(user.db_table)} u "  # noqa: S608
        f"WHERE u.{quote(user.pk.column)} = %s AND NOT EXISTS ("
        f"SELECT 1 FROM {quote(blacklisted.db_table)} b JOIN {quote(outstanding.db_table)} o "
        f"ON o.{quote(outstanding.pk.column)} = b.{quote(blacklisted.get_field('token').column)} "
        f"WHERE o.{quote(outstanding.get_field('jti').column)} = %s)"
    )


def user_unless_revoked(*, pk: uuid.UUID, jti: str) -> User | None:
    """The user with that id unless the token `jti` was blacklisted; one query, the row made a User
    directly (`Model.from_db`, what the ORM does per row) without a queryset around it."""
    pk_value = User._meta.pk.get_db_prep_value(pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(_user_unless_revoked_sql(), [pk_value, jti])
        row = cursor.fetchone()
    return None if row is None else instance_from_row(User, row)


class AccessTokenAuthentication(JWTAuthentication):
    def __init__(self, *args, **kwargs):
        # DRF builds the authenticator per request; the base class would look the user model up each time.
        self.user_model = User

    def authenticate(self, request):
        header = self.get_header(request)
        if header is None:
            return None
        raw = self.get_raw_token(header)
        if raw is None:
            raise TokenInvalid("Authorization header must be 'Bearer <token>'")
        token = read_access_token(raw)
        return self.user_for_token(token), token

    def user_for_token(self, token) -> User:
        try:
            pk = uuid.UUID(str(token_user_id(token)))
        except ValueError as exc:
            raise TokenInvalid() from exc
        user = user_unless_revoked(pk=pk, jti=token_jti(token))
        if user is None:
            raise TokenInvalid()
        if not user.is_active:
            raise UserInactive()
        # A bumped version (deactivation, account deletion, "log out everywhere") revokes the token.
        if token.get(VERSION_CLAIM) != user.token_version:
            raise TokenInvalid("Token has been revoked")
        return user
