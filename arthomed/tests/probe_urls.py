"""Probe views that exercise the API conventions (test-only URLconf)."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.models import User
from arthomed.api.pagination import paginate
from arthomed.api.permissions import IsAdmin
from arthomed.api.responses import ok
from arthomed.core.errors import SlotUnavailable


class ProbeInputSerializer(serializers.Serializer):
    mobile_number = serializers.RegexField(
        r"^\d{10}$", error_messages={"invalid": "Mobile number must be exactly 10 digits"}
    )
    nested = serializers.DictField(child=serializers.IntegerField(), required=False)


class ProbeUserSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id")
    mobile_number = serializers.CharField()


class EchoView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        serializer = ProbeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return ok({"echo": serializer.validated_data, "query": dict(request.query_params)}, "Echoed", status=201)


class DomainErrorView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise SlotUnavailable(details="taken")


class CrashView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret internals 9876543210")


class UsersView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return paginate(self, User.objects.order_by("mobile_number"), ProbeUserSerializer)


class AdminOnlyView(APIView):
    permission_classes = [IsAdmin]

    def get(self, request):
        return ok({"user": str(request.user.pk)})


def plain_django_crash(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("api/_probe/echo", EchoView.as_view()),
    path("api/_probe/domain-error", DomainErrorView.as_view()),
    path("api/_probe/crash", CrashView.as_view()),
    path("api/_probe/django-crash", plain_django_crash),
    path("api/_probe/users", UsersView.as_view()),
    path("api/_probe/admin-only", AdminOnlyView.as_view()),
    path("", include("arthomed.urls")),
]
