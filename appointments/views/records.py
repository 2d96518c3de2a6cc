"""`GET /api/patients/:personId/record` (SPEC.md §11): a person's clinical record.

Admins; a doctor who saw or will see the person; the account holder for themself and their members.
Receptionists are refused (403); anyone else, and an unknown id, get 404 NOT_FOUND.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.viewsets import GenericViewSet

from appointments.selectors.records import person_record, person_record_get_for
from appointments.serializers.records import PersonRecordOutputSerializer
from appointments.services.records import record_access_log
from arthomed.api.clientip import client_ip
from arthomed.api.permissions import IsAdmin, IsDoctor, IsPatient
from arthomed.api.responses import ok

PERSON_ID = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="A patient's user `_id` or a family member's `_id`"
)


class PatientRecordViewSet(GenericViewSet):
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    @extend_schema(
        tags=["patients"],
        operation_id="patients_record_retrieve",
        summary="A person's clinical record: who they are, their visits (newest first), their files",
        parameters=[PERSON_ID],
        responses=PersonRecordOutputSerializer,
    )
    @action(detail=True, permission_classes=[IsAdmin | IsDoctor | IsPatient])
    def record(self, request, id: str):
        person = person_record_get_for(request.user, id)
        record_access_log(actor=request.user, person=person, ip_address=client_ip(request))
        return ok(PersonRecordOutputSerializer(person_record(person)).data, "Record retrieved")
