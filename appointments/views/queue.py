"""A doctor's day (SPEC.md §12): the running-late delay and the day's queue.

Served under the doctor directory's paths (`/api/users/doctors/:id/delay`, `.../queue`), like leave:
the doctor themself, receptionists and admins; another doctor's day answers 404 DOCTOR_NOT_FOUND.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action

from appointments.selectors.queue import doctor_day_queue_items
from appointments.serializers.queue import (
    DoctorDelayInputSerializer,
    DoctorDelayOutputSerializer,
    DoctorQueueOutputSerializer,
    DoctorQueueQueryInputSerializer,
)
from appointments.services.queue import doctor_delay_set
from appointments.views.doctor_scoped import DOCTOR_ID, DoctorScopedViewSet
from arthomed.api.inputs import validated
from arthomed.api.responses import ok
from arthomed.api.schema import data_of

TAGS = ["doctors"]
DelayData = data_of("DoctorDelayData", delay=DoctorDelayOutputSerializer)


class DoctorDayViewSet(DoctorScopedViewSet):
    @extend_schema(
        tags=TAGS,
        operation_id="users_doctors_delay_update",
        summary="Set today's running-late delay (0 clears it); patients later today are told of changes of 15+ min",
        parameters=[DOCTOR_ID],
        request=DoctorDelayInputSerializer,
        responses=DelayData,
    )
    @action(detail=True, methods=["put"])
    def delay(self, request, id: str):
        doctor = self.get_object()
        data = validated(DoctorDelayInputSerializer, request)
        day = doctor_delay_set(actor=request.user, doctor=doctor, **data)
        return ok({"delay": DoctorDelayOutputSerializer(day).data}, "Delay updated")

    @extend_schema(
        tags=TAGS,
        operation_id="users_doctors_queue_retrieve",
        summary="A doctor's queue of a day: the delay, who is in consultation, who waits in which order",
        parameters=[
            DOCTOR_ID,
            OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD; today when absent"),
        ],
        responses=DoctorQueueOutputSerializer,
    )
    @action(detail=True)
    def queue(self, request, id: str):
        doctor = self.get_object()
        query = validated(DoctorQueueQueryInputSerializer, request, data=request.query_params)
        day = query.get("date") or timezone.localdate()
        items = doctor_day_queue_items(doctor=doctor, day=day)
        return ok(DoctorQueueOutputSerializer(items).data, "Queue retrieved")
