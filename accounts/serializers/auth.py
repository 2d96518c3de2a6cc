"""Request and response shapes of the sign-in endpoints (SPEC.md §3)."""

from rest_framework import serializers

from accounts.serializers.people import UserOutputSerializer
from arthomed.api.fields import PersonNameField


class SendOtpInputSerializer(serializers.Serializer):
    # Normalised and validated by the service (400 INVALID_MOBILE_NUMBER), so all accepted forms pass here.
    mobile_number = serializers.CharField(max_length=32, trim_whitespace=True)


class VerifyOtpInputSerializer(serializers.Serializer):
    mobile_number = serializers.CharField(max_length=32, trim_whitespace=True)
    otp = serializers.RegexField(r"^\d{6}$", error_messages={"invalid": "OTP must be exactly 6 digits"})
    name = PersonNameField(required=False)
    email = serializers.EmailField(max_length=254, required=False)


class RefreshTokenInputSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=4096)


class LogoutInputSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=4096, required=False, allow_blank=True)


class OtpSentOutputSerializer(serializers.Serializer):
    message = serializers.CharField(
        help_text="'OTP sent to your mobile number'; or, once the number's hourly SMS budget is spent, "
        "that the latest code already sent stays valid (no new SMS)"
    )
    expires_in = serializers.IntegerField(help_text="Seconds the code stays valid")
    resend_after = serializers.IntegerField(help_text="Seconds before another SMS may be sent")


class TokensOutputSerializer(serializers.Serializer):
    accessToken = serializers.CharField()  # noqa: N815 - the contract's own names
    refreshToken = serializers.CharField()  # noqa: N815
    expiresIn = serializers.IntegerField(help_text="Access token lifetime in seconds")  # noqa: N815


class SignInOutputSerializer(serializers.Serializer):
    user = UserOutputSerializer()
    tokens = TokensOutputSerializer()
    is_new_user = serializers.BooleanField()
