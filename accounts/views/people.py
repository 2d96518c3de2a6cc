"""People (SPEC.md §4): my profile, the doctor directory and schedules, users, admin user management."""

from functools import cache

from django.db.models import QuerySet
from djangorestframework_camel_case.parser import CamelCaseMultiPartParser
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.viewsets import GenericViewSet

from accounts.filters import DoctorFilter, UserFilter
from accounts.selectors.people import (
    doctor_directory,
    doctor_get,
    doctor_get_for_schedule_edit,
    doctor_schedules,
    user_get,
    users_listed,
)
from accounts.serializers.avatar import AvatarUploadInputSerializer
from accounts.serializers.people import (
    DIRECTORY_COLUMNS,
    AdminCreateUserInputSerializer,
    DoctorPublicOutputSerializer,
    ProfileUpdateInputSerializer,
    ScheduleReplaceInputSerializer,
    UserOutputSerializer,
    UserStatusInputSerializer,
    UserStatusOutputSerializer,
    doctor_public_row_output,
)
from accounts.services.avatar import user_avatar_set
from accounts.services.users import (
    doctor_schedule_replace,
    user_create,
    user_delete_account,
    user_profile_update,
    user_status_set,
)
from arthomed.api.inputs import validated
from arthomed.api.pagination import paginate, paginate_plain
from arthomed.api.permissions import IsAdmin, IsDoctor, IsStaff
from arthomed.api.responses import ok
from arthomed.api.schema import data_of, paginated
from files.upload_handlers import LimitedUploadMixin

UserData = data_of("UserData", user=UserOutputSerializer)
DoctorData = data_of("DoctorData", doctor=DoctorPublicOutputSerializer)
UserStatusData = data_of("UserStatusData", user=UserStatusOutputSerializer)
DeletedData = data_of("AccountDeletedData")
DOCTOR_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The doctor's `_id`")
USER_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The user's `_id`")


def user_data(user) -> dict:
    # Re-read through the selector so the answer shows exactly what is stored.
    return {"user": UserOutputSerializer(user_get(user.pk)).data}


# `/api/users/profile`: the signed-in user's own account and picture.
class ProfileViewSet(LimitedUploadMixin, GenericViewSet):
    @extend_schema(tags=["users"], operation_id="users_profile_get", responses=UserData, summary="My profile")
    @action(detail=False)
    def profile(self, request):
        return ok(user_data(request.user), "Profile retrieved successfully")

    @extend_schema(
        tags=["users"],
        operation_id="users_profile_update",
        request=ProfileUpdateInputSerializer,
        responses=UserData,
        summary="Update my profile (partial; role, isActive and mobileNumber are ignored)",
    )
    @profile.mapping.put
    def profile_update(self, request):
        user = user_profile_update(user=request.user, data=validated(ProfileUpdateInputSerializer, request))
        return ok(user_data(user), "Profile updated successfully")

    @extend_schema(
        tags=["users"],
        operation_id="users_profile_delete",
        request=None,
        responses=DeletedData,
        summary="Delete my account (personal data erased, clinical records kept anonymised)",
    )
    @profile.mapping.delete
    def profile_delete(self, request):
        user_delete_account(user=request.user)
        return ok({}, "Account deleted successfully")

    @extend_schema(
        tags=["users"],
        operation_id="users_profile_avatar_upload",
        summary="Upload or replace my profile picture",
        request={"multipart/form-data": AvatarUploadInputSerializer},
        responses=data_of("AvatarUserData", user=UserOutputSerializer),
    )
    @action(detail=False, methods=["post"], url_path="profile/avatar", parser_classes=[CamelCaseMultiPartParser])
    def avatar(self, request):
        data = validated(AvatarUploadInputSerializer, request)
        user_avatar_set(user=request.user, upload=data["file"])
        return ok(user_data(request.user), "Profile picture updated successfully")


class UserViewSet(mixins.ListModelMixin, GenericViewSet):
    permission_classes = [IsAdmin]
    filterset_class = UserFilter

    def get_queryset(self):
        return users_listed()

    @extend_schema(
        tags=["users"],
        operation_id="users_list",
        responses=paginated(UserOutputSerializer),
        summary="All users, newest first (admin)",
    )
    def list(self, request):
        return paginate(
            self, self.filter_queryset(self.get_queryset()), UserOutputSerializer, "Users retrieved successfully"
        )


@cache
def _directory_rows():
    # Built once per process and cloned per request (`.all()`): building it (the active-doctor
    # filters, the joins of the profile's columns) cost more than compiling and running it.
    # Never evaluated itself, so it holds no rows.
    return doctor_directory().values(*DIRECTORY_COLUMNS)


def directory_rows() -> QuerySet:
    """The directory as rows of DIRECTORY_COLUMNS (`doctor_directory().values(...)`), a fresh queryset."""
    return _directory_rows().all()


def directory_page(doctors: list[dict]) -> list[dict]:
    """A page of the directory (rows of DIRECTORY_COLUMNS) with the page's schedules."""
    schedules = doctor_schedules([doctor["id"] for doctor in doctors])
    return [doctor_public_row_output(doctor, schedules[doctor["id"]]) for doctor in doctors]


# `/api/users/doctors...`: the public directory; schedules edited by the doctor or staff.
class DoctorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    permission_classes = [AllowAny]
    filterset_class = DoctorFilter
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return doctor_directory()

    @extend_schema(
        tags=["doctors"],
        operation_id="users_doctors_list",
        responses=paginated(DoctorPublicOutputSerializer),
        summary="Doctor directory (public)",
    )
    def list(self, request):
        doctors = self.filter_queryset(directory_rows())
        return paginate_plain(self, doctors, directory_page, "Doctors retrieved successfully", total_in_page=True)

    @extend_schema(
        tags=["doctors"],
        operation_id="users_doctors_retrieve",
        parameters=[DOCTOR_ID],
        responses=DoctorData,
        summary="One doctor with schedule, fee and rating (public)",
    )
    def retrieve(self, request, id: str):
        return ok({"doctor": DoctorPublicOutputSerializer(doctor_get(id)).data}, "Doctor retrieved successfully")

    @extend_schema(
        tags=["doctors"],
        operation_id="users_doctors_schedule_replace",
        parameters=[DOCTOR_ID],
        request=ScheduleReplaceInputSerializer,
        responses=DoctorData,
        summary="Replace a doctor's weekly schedule (the doctor, receptionist, admin)",
    )
    @action(detail=True, methods=["put"], permission_classes=[IsDoctor | IsStaff])
    def schedule(self, request, id: str):
        doctor = doctor_get_for_schedule_edit(actor=request.user, doctor_id=id)
        doctor_schedule_replace(doctor=doctor, **validated(ScheduleReplaceInputSerializer, request))
        doctor = doctor_get(doctor.pk, active_only=False)
        return ok({"doctor": DoctorPublicOutputSerializer(doctor).data}, "Schedule updated successfully")


# `/api/admin/...`: creating users of any role and (de)activating them (admin).
class AdminUserViewSet(GenericViewSet):
    permission_classes = [IsAdmin]

    @extend_schema(
        tags=["admin"],
        operation_id="admin_users_create",
        request=AdminCreateUserInputSerializer,
        responses={201: UserData},
        summary="Create a user of any role; a doctor with doctorInfo and schedule in one call (admin)",
    )
    @action(detail=False, methods=["post"], url_path="create-user")
    def create_user(self, request):
        user = user_create(is_verified=True, **validated(AdminCreateUserInputSerializer, request))
        return ok(user_data(user), "User created successfully", status=201)

    @extend_schema(
        tags=["admin"],
        operation_id="admin_users_status_update",
        parameters=[USER_ID],
        request=UserStatusInputSerializer,
        responses=UserStatusData,
        summary="Activate or deactivate a user, with a reason (admin)",
    )
    @action(detail=False, methods=["put"], url_path=r"users/(?P<id>[^/]+)/status")
    def user_status(self, request, id: str):
        user = user_get(id)
        user = user_status_set(actor=request.user, user=user, **validated(UserStatusInputSerializer, request))
        return ok({"user": UserStatusOutputSerializer(user).data}, "User status updated successfully")
