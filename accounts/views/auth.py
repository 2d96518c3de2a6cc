"""Sign-in endpoints (SPEC.md §3): OTP by SMS, token refresh, logout, me."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.selectors.people import user_get
from accounts.serializers.auth import (
    LogoutInputSerializer,
    OtpSentOutputSerializer,
    RefreshTokenInputSerializer,
    SendOtpInputSerializer,
    SignInOutputSerializer,
    TokensOutputSerializer,
    VerifyOtpInputSerializer,
)
from accounts.serializers.people import UserOutputSerializer
from accounts.services.auth import otp_send, otp_verify_and_login, session_logout, token_refresh
from accounts.tokens import tokens_for
from arthomed.api.clientip import client_ip
from arthomed.api.responses import ok
from arthomed.api.schema import data_of

UserData = data_of("UserData", user=UserOutputSerializer)


class PublicAuthView(APIView):
    """Sign-in endpoints ignore any Authorization header: a stale or expired access token
    sent along by the app must not stop a user from signing in or refreshing."""

    permission_classes = [AllowAny]
    authentication_classes = []


class SendOtpView(PublicAuthView):
    @extend_schema(
        operation_id="auth_send_otp",
        request=SendOtpInputSerializer,
        responses=OtpSentOutputSerializer,
        summary="Send a one-time sign-in code by SMS",
        auth=[],
    )
    def post(self, request):
        serializer = SendOtpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = otp_send(mobile_number=serializer.validated_data["mobile_number"], ip_address=client_ip(request))
        return ok(data, "OTP sent successfully")


class VerifyOtpView(PublicAuthView):
    @extend_schema(
        operation_id="auth_verify_otp",
        request=VerifyOtpInputSerializer,
        responses=SignInOutputSerializer,
        summary="Verify the code: signs in, or registers a new patient",
        auth=[],
    )
    def post(self, request):
        serializer = VerifyOtpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        user, is_new_user = otp_verify_and_login(
            mobile_number=values["mobile_number"],
            code=values["otp"],
            name=values.get("name"),
            email=values.get("email"),
        )
        data = {
            "user": UserOutputSerializer(user_get(user.pk)).data,
            "tokens": tokens_for(user),
            "is_new_user": is_new_user,
        }
        return ok(data, "OTP verified successfully")  # the old API's text; `isNewUser` tells the two apart


class RefreshTokenView(PublicAuthView):
    @extend_schema(
        operation_id="auth_refresh_token",
        request=RefreshTokenInputSerializer,
        responses=TokensOutputSerializer,
        summary="Exchange a refresh token for new tokens (the old refresh token dies)",
        auth=[],
    )
    def post(self, request):
        serializer = RefreshTokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = token_refresh(refresh_token=serializer.validated_data["refresh_token"])
        return ok(tokens, "Token refreshed successfully")


class LogoutView(APIView):
    @extend_schema(
        operation_id="auth_logout",
        request=LogoutInputSerializer,
        # `data` is an empty object.
        responses=OpenApiTypes.OBJECT,
        summary="Log out: revokes this access token and the given refresh token",
    )
    def post(self, request):
        serializer = LogoutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session_logout(
            user=request.user,
            access_token=request.auth,
            refresh_token=serializer.validated_data.get("refresh_token"),
        )
        return ok({}, "Logged out successfully")


class MeView(APIView):
    @extend_schema(operation_id="auth_me", responses=UserData, summary="The signed-in user")
    def get(self, request):
        return ok({"user": UserOutputSerializer(user_get(request.user.pk)).data}, "User retrieved successfully")
