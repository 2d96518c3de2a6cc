"""`/api/auth/...` (SPEC.md §3): OTP by SMS, token refresh, logout, me."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.viewsets import GenericViewSet

from accounts.selectors.people import user_get, user_with_details
from accounts.serializers.auth import (
    LogoutInputSerializer,
    OtpSentOutputSerializer,
    RefreshTokenInputSerializer,
    SendOtpInputSerializer,
    SignInOutputSerializer,
    TokensOutputSerializer,
    VerifyOtpInputSerializer,
)
from accounts.serializers.people import UserOutputSerializer, user_output
from accounts.services.auth import otp_send, otp_verify_and_login
from accounts.services.sessions import session_logout, token_refresh
from accounts.tokens import tokens_for
from arthomed.api.clientip import client_ip
from arthomed.api.inputs import validated
from arthomed.api.responses import ok
from arthomed.api.schema import data_of

TAGS = ["auth"]
UserData = data_of("UserData", user=UserOutputSerializer)
PUBLIC_DESCRIPTION = (
    "Sign-in endpoints ignore any Authorization header: a stale or expired access token\n"
    "sent along by the app must not stop a user from signing in or refreshing."
)
PUBLIC = {"permission_classes": [AllowAny], "authentication_classes": []}


class AuthViewSet(GenericViewSet):
    @extend_schema(
        tags=TAGS,
        operation_id="auth_send_otp",
        request=SendOtpInputSerializer,
        responses=OtpSentOutputSerializer,
        summary="Send a one-time sign-in code by SMS",
        auth=[],
        description=PUBLIC_DESCRIPTION,
    )
    @action(detail=False, methods=["post"], url_path="send-otp", **PUBLIC)
    def send_otp(self, request):
        data = validated(SendOtpInputSerializer, request)
        return ok(otp_send(mobile_number=data["mobile_number"], ip_address=client_ip(request)), "OTP sent successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="auth_verify_otp",
        request=VerifyOtpInputSerializer,
        responses=SignInOutputSerializer,
        summary="Verify the code: signs in, or registers a new patient",
        auth=[],
        description=PUBLIC_DESCRIPTION,
    )
    @action(detail=False, methods=["post"], url_path="verify-otp", **PUBLIC)
    def verify_otp(self, request):
        data = validated(VerifyOtpInputSerializer, request)
        user, is_new_user = otp_verify_and_login(
            mobile_number=data["mobile_number"], code=data["otp"], name=data.get("name"), email=data.get("email")
        )
        answer = {
            "user": UserOutputSerializer(user_get(user.pk)).data,
            "tokens": tokens_for(user),
            "is_new_user": is_new_user,
        }
        return ok(answer, "OTP verified successfully")  # the old API's text; `isNewUser` tells the two apart

    @extend_schema(
        tags=TAGS,
        operation_id="auth_refresh_token",
        request=RefreshTokenInputSerializer,
        responses=TokensOutputSerializer,
        summary="Exchange a refresh token for new tokens (the old refresh token dies)",
        auth=[],
        description=PUBLIC_DESCRIPTION,
    )
    @action(detail=False, methods=["post"], url_path="refresh-token", **PUBLIC)
    def refresh_token(self, request):
        data = validated(RefreshTokenInputSerializer, request)
        return ok(token_refresh(refresh_token=data["refresh_token"]), "Token refreshed successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="auth_logout",
        request=LogoutInputSerializer,
        # `data` is an empty object.
        responses=OpenApiTypes.OBJECT,
        summary="Log out: revokes this access token and the given refresh token",
    )
    @action(detail=False, methods=["post"])
    def logout(self, request):
        data = validated(LogoutInputSerializer, request)
        session_logout(user=request.user, access_token=request.auth, refresh_token=data.get("refresh_token"))
        return ok({}, "Logged out successfully")

    @extend_schema(tags=TAGS, operation_id="auth_me", responses=UserData, summary="The signed-in user")
    @action(detail=False)
    def me(self, request):
        return ok({"user": user_output(user_with_details(request.user))}, "User retrieved successfully")
