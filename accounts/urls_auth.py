"""/api/auth/... (SPEC.md §3)."""

from django.urls import path

from accounts.views.auth import LogoutView, MeView, RefreshTokenView, SendOtpView, VerifyOtpView

urlpatterns = [
    path("auth/send-otp", SendOtpView.as_view(), name="auth-send-otp"),
    path("auth/verify-otp", VerifyOtpView.as_view(), name="auth-verify-otp"),
    path("auth/refresh-token", RefreshTokenView.as_view(), name="auth-refresh-token"),
    path("auth/logout", LogoutView.as_view(), name="auth-logout"),
    path("auth/me", MeView.as_view(), name="auth-me"),
]
