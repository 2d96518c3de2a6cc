"""People endpoints (SPEC.md §4): profile, doctor directory, schedules, staff management."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.selectors.people import doctor_get, doctor_get_for_schedule_edit, doctor_list, user_get, user_list
from accounts.serializers.people import (
    AdminCreateUserInputSerializer,
    DoctorListQuerySerializer,
    DoctorPublicOutputSerializer,
    ProfileUpdateInputSerializer,
    ScheduleReplaceInputSerializer,
    UserListQuerySerializer,
    UserOutputSerializer,
    UserStatusInputSerializer,
    UserStatusOutputSerializer,
)
from accounts.services.users import (
    doctor_schedule_replace,
    user_create,
    user_delete_account,
    user_profile_update,
    user_status_set,
)
from arthomed.api.pagination import paginate
from arthomed.api.permissions import IsAdmin, IsDoctor, IsStaff
from arthomed.api.responses import ok
from arthomed.api.schema import data_of, paginated

UserData = data_of("UserData", user=UserOutputSerializer)
DoctorData = data_of("DoctorData", doctor=DoctorPublicOutputSerializer)
UserStatusData = data_of("UserStatusData", user=UserStatusOutputSerializer)
DeletedData = data_of("AccountDeletedData")


def _user_data(user) -> dict:
    # Re-read through the selector so the answer shows exactly what is stored.
    return {"user": UserOutputSerializer(user_get(user.pk)).data}


def _id_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.PATH, description=description)


class ProfileView(APIView):
    """`/api/users/profile`: read, partially update, or delete one's own account."""

    @extend_schema(operation_id="users_profile_get", responses=UserData, summary="My profile")
    def get(self, request):
        return ok(_user_data(request.user), "Profile retrieved successfully")

    @extend_schema(
        operation_id="users_profile_update",
        request=ProfileUpdateInputSerializer,
        responses=UserData,
        summary="Update my profile (partial; role, isActive and mobileNumber are ignored)",
    )
    def put(self, request):
        serializer = ProfileUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_profile_update(user=request.user, data=serializer.validated_data)
        return ok(_user_data(user), "Profile updated successfully")

    @extend_schema(
        operation_id="users_profile_delete",
        request=None,
        responses=DeletedData,
        summary="Delete my account (personal data erased, clinical records kept anonymised)",
    )
    def delete(self, request):
        user_delete_account(user=request.user)
        return ok({}, "Account deleted successfully")


class DoctorListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="users_doctors_list",
        parameters=[DoctorListQuerySerializer],
        responses=paginated(DoctorPublicOutputSerializer),
        summary="Doctor directory (public)",
    )
    def get(self, request):
        query = DoctorListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        doctors = doctor_list(**query.validated_data)
        return paginate(self, doctors, DoctorPublicOutputSerializer, "Doctors retrieved successfully")


class DoctorDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="users_doctors_retrieve",
        parameters=[_id_param("doctor_id", "Doctor id")],
        responses=DoctorData,
        summary="One doctor with schedule, fee and rating (public)",
    )
    def get(self, request, doctor_id):
        doctor = doctor_get(doctor_id)
        return ok({"doctor": DoctorPublicOutputSerializer(doctor).data}, "Doctor retrieved successfully")


class DoctorScheduleView(APIView):
    permission_classes = [IsDoctor | IsStaff]

    @extend_schema(
        operation_id="users_doctors_schedule_replace",
        parameters=[_id_param("doctor_id", "Doctor id")],
        request=ScheduleReplaceInputSerializer,
        responses=DoctorData,
        summary="Replace a doctor's weekly schedule (the doctor, receptionist, admin)",
    )
    def put(self, request, doctor_id):
        doctor = doctor_get_for_schedule_edit(actor=request.user, doctor_id=doctor_id)
        serializer = ScheduleReplaceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        doctor_schedule_replace(doctor=doctor, **serializer.validated_data)
        doctor = doctor_get(doctor.pk, active_only=False)
        return ok({"doctor": DoctorPublicOutputSerializer(doctor).data}, "Schedule updated successfully")


class UserListView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        operation_id="users_list",
        parameters=[UserListQuerySerializer],
        responses=paginated(UserOutputSerializer),
        summary="All users, newest first (admin)",
    )
    def get(self, request):
        query = UserListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        users = user_list(**query.validated_data)
        return paginate(self, users, UserOutputSerializer, "Users retrieved successfully")


class AdminCreateUserView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        operation_id="admin_create_user",
        request=AdminCreateUserInputSerializer,
        responses={201: UserData},
        summary="Create a user of any role; a doctor with doctorInfo and schedule in one call (admin)",
    )
    def post(self, request):
        serializer = AdminCreateUserInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_create(is_verified=True, **serializer.validated_data)
        return ok(_user_data(user), "User created successfully", status=201)


class AdminUserStatusView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        operation_id="admin_user_status",
        parameters=[_id_param("user_id", "User id")],
        request=UserStatusInputSerializer,
        responses=UserStatusData,
        summary="Activate or deactivate a user, with a reason (admin)",
    )
    def put(self, request, user_id):
        user = user_get(user_id)
        serializer = UserStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_status_set(actor=request.user, user=user, **serializer.validated_data)
        return ok({"user": UserStatusOutputSerializer(user).data}, "User status updated successfully")
