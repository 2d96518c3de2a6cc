"""Bearer access-token authentication, checked against the user row on every request."""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts.models import User
from accounts.tokens import VERSION_CLAIM, read_access_token
from arthomed.api.errors import TokenInvalid, UserInactive


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
            user = User.objects.get(pk=token[jwt_settings.USER_ID_CLAIM])
        except (KeyError, ValueError, User.DoesNotExist) as exc:
            raise TokenInvalid() from exc
        if not user.is_active:
            raise UserInactive()
        # A bumped version (deactivation, account deletion, "log out everywhere") revokes the token.
        if token.get(VERSION_CLAIM) != user.token_version:
            raise TokenInvalid("Token has been revoked")
        return user
