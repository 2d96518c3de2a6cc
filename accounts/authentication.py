"""Bearer access-token authentication, checked against the user row on every request."""

import uuid

from django.db.models import Exists
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import User
from accounts.tokens import VERSION_CLAIM, read_access_token, token_jti, token_user_id
from arthomed.core.errors import TokenInvalid, UserInactive


class AccessTokenAuthentication(JWTAuthentication):
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
        # One query: the user row, unless this very token was revoked at logout.
        revoked = Exists(BlacklistedToken.objects.filter(token__jti=token_jti(token)))
        try:
            user = User.objects.get(~revoked, pk=pk)
        except User.DoesNotExist as exc:
            raise TokenInvalid() from exc
        if not user.is_active:
            raise UserInactive()
        # A bumped version (deactivation, account deletion, "log out everywhere") revokes the token.
        if token.get(VERSION_CLAIM) != user.token_version:
            raise TokenInvalid("Token has been revoked")
        return user
