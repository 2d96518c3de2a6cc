"""Doctors' leave / blocked time (SPEC.md §4): the doctor themself, receptionists, admins.

Served under the doctor directory's paths (`/api/users/doctors/:id/leaves...`); it lives
here because adding leave reports the appointments inside it.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action

from accounts.selectors.leaves import doctor_leave_get, doctor_leaves_upcoming
from accounts.services.leaves import doctor_leave_create, doctor_leave_delete
from appointments.selectors.slots import appointments_during_leave
from appointments.serializers.booking import LeaveInputSerializer, LeaveOutputSerializer
from appointments.serializers.output import AppointmentOutputSerializer, appointment_serializer_for
from appointments.views.doctor_scoped import DOCTOR_ID, DoctorScopedViewSet
from arthomed.api.inputs import validated
from arthomed.api.responses import ok
from arthomed.api.schema import data_of

TAGS = ["doctors"]
LEAVE_ID = OpenApiParameter("leave_id", str, OpenApiParameter.PATH, description="The leave's `_id`")
LeavesData = data_of("LeavesData", items=LeaveOutputSerializer(many=True))
LeaveData = data_of("LeaveData", leave=LeaveOutputSerializer)
LeaveCreatedData = data_of(
    "LeaveCreatedData", leave=LeaveOutputSerializer, affected_appointments=AppointmentOutputSerializer(many=True)
)


class DoctorLeaveViewSet(DoctorScopedViewSet):
    @extend_schema(
        tags=TAGS,
        operation_id="users_doctors_leaves_list",
        summary="A doctor's upcoming leave",
        parameters=[DOCTOR_ID],
        responses=LeavesData,
    )
    @action(detail=True)
    def leaves(self, request, id: str):
        items = LeaveOutputSerializer(doctor_leaves_upcoming(doctor=self.get_object()), many=True).data
        return ok({"items": items}, "Leave retrieved successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="users_doctors_leaves_create",
        summary="Add leave or blocked time (whole day without times); reports bookings inside it",
        parameters=[DOCTOR_ID],
        request=LeaveInputSerializer,
        responses={201: LeaveCreatedData},
    )
    @leaves.mapping.post
    def leaves_create(self, request, id: str):
        doctor = self.get_object()
        data = validated(LeaveInputSerializer, request)
        leave = doctor_leave_create(actor=request.user, doctor=doctor, **data)
        affected = appointment_serializer_for(request.user)(appointments_during_leave(leave), many=True).data
        data = {"leave": LeaveOutputSerializer(leave).data, "affected_appointments": affected}
        return ok(data, "Leave added successfully", status=201)

    @extend_schema(
        tags=TAGS,
        operation_id="users_doctors_leaves_delete",
        summary="Remove a leave",
        parameters=[DOCTOR_ID, LEAVE_ID],
        request=None,
        responses=LeaveData,
    )
    @action(detail=True, methods=["delete"], url_path="leaves/(?P<leave_id>[^/]+)")
    def leave_delete(self, request, id: str, leave_id: str):
        leave = doctor_leave_get(doctor=self.get_object(), leave_id=leave_id)
        output = LeaveOutputSerializer(leave).data
        doctor_leave_delete(actor=request.user, leave=leave)
        return ok({"leave": output}, "Leave removed successfully")
