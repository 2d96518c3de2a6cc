"""Doctors' leave / blocked time (SPEC.md §4): the doctor themself, receptionists, admins."""

from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from accounts.selectors.leaves import doctor_leave_get, doctor_leaves_upcoming
from accounts.selectors.people import doctor_get_for_schedule_edit
from accounts.services.leaves import doctor_leave_create, doctor_leave_delete
from appointments.selectors.slots import appointments_during_leave
from appointments.serializers.booking import LeaveInputSerializer, LeaveOutputSerializer
from appointments.serializers.output import AppointmentOutputSerializer, appointment_serializer_for
from arthomed.api.permissions import IsDoctor, IsStaff
from arthomed.api.responses import ok
from arthomed.api.schema import data_of

LeavesData = data_of("LeavesData", items=LeaveOutputSerializer(many=True))
LeaveData = data_of("LeaveData", leave=LeaveOutputSerializer)
LeaveCreatedData = data_of(
    "LeaveCreatedData", leave=LeaveOutputSerializer, affected_appointments=AppointmentOutputSerializer(many=True)
)


class DoctorLeavesView(APIView):
    permission_classes = [IsDoctor | IsStaff]

    @extend_schema(tags=["doctors"], summary="A doctor's upcoming leave", responses=LeavesData)
    def get(self, request, pk: str):
        doctor = doctor_get_for_schedule_edit(actor=request.user, doctor_id=pk)
        items = LeaveOutputSerializer(doctor_leaves_upcoming(doctor=doctor), many=True).data
        return ok({"items": items}, "Leave retrieved successfully")

    @extend_schema(
        tags=["doctors"],
        summary="Add leave or blocked time (whole day without times); reports bookings inside it",
        request=LeaveInputSerializer,
        responses={201: LeaveCreatedData},
    )
    def post(self, request, pk: str):
        doctor = doctor_get_for_schedule_edit(actor=request.user, doctor_id=pk)
        data = LeaveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        leave = doctor_leave_create(actor=request.user, doctor=doctor, **data.validated_data)
        affected = appointment_serializer_for(request.user)(appointments_during_leave(leave), many=True).data
        return ok(
            {"leave": LeaveOutputSerializer(leave).data, "affected_appointments": affected},
            "Leave added successfully",
            status=201,
        )


class DoctorLeaveDeleteView(APIView):
    permission_classes = [IsDoctor | IsStaff]

    @extend_schema(tags=["doctors"], summary="Remove a leave", request=None, responses=LeaveData)
    def delete(self, request, pk: str, leave_id: str):
        doctor = doctor_get_for_schedule_edit(actor=request.user, doctor_id=pk)
        leave = doctor_leave_get(doctor=doctor, leave_id=leave_id)
        output = LeaveOutputSerializer(leave).data
        doctor_leave_delete(actor=request.user, leave=leave)
        return ok({"leave": output}, "Leave removed successfully")
