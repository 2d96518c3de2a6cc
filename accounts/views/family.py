"""`/api/users/family-members...` (SPEC.md §11): the account holder's family, patients only."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.viewsets import GenericViewSet

from accounts.models import FamilyMember
from accounts.selectors.family import family_member_get, family_members_live
from accounts.serializers.family import (
    FamilyMemberInputSerializer,
    FamilyMemberOutputSerializer,
    FamilyMemberUpdateInputSerializer,
)
from accounts.services.family import family_member_create, family_member_remove, family_member_update
from arthomed.api.inputs import validated
from arthomed.api.pagination import paginate
from arthomed.api.permissions import IsPatient
from arthomed.api.responses import ok
from arthomed.api.schema import data_of, paginated

TAGS = ["users"]
MEMBER_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The family member's `_id`")
FamilyMemberData = data_of("FamilyMemberData", family_member=FamilyMemberOutputSerializer)


def member_data(member) -> dict:
    return {"family_member": FamilyMemberOutputSerializer(member).data}


class FamilyMemberViewSet(mixins.ListModelMixin, GenericViewSet):
    permission_classes = [IsPatient]
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no signed-in user
            return FamilyMember.objects.none()
        return family_members_live(account=self.request.user)

    def get_object(self):
        """A live member of the caller's own account; anyone else's is 404 NOT_FOUND."""
        return family_member_get(account=self.request.user, member_id=self.kwargs[self.lookup_url_kwarg])

    @extend_schema(
        tags=TAGS,
        operation_id="users_family_members_list",
        responses=paginated(FamilyMemberOutputSerializer),
        summary="My family members (the account holder)",
    )
    def list(self, request):
        return paginate(
            self, self.get_queryset(), FamilyMemberOutputSerializer, "Family members retrieved successfully"
        )

    @extend_schema(
        tags=TAGS,
        operation_id="users_family_members_create",
        request=FamilyMemberInputSerializer,
        responses={201: FamilyMemberData},
        summary="Add a family member (dateOfBirth, or age for an estimate)",
    )
    def create(self, request):
        member = family_member_create(account=request.user, data=validated(FamilyMemberInputSerializer, request))
        return ok(member_data(member), "Family member added successfully", status=201)

    @extend_schema(
        tags=TAGS,
        operation_id="users_family_members_update",
        parameters=[MEMBER_ID],
        request=FamilyMemberUpdateInputSerializer,
        responses=FamilyMemberData,
        summary="Change a family member (partial)",
    )
    def update(self, request, id: str):
        member = self.get_object()
        member = family_member_update(member=member, data=validated(FamilyMemberUpdateInputSerializer, request))
        return ok(member_data(member), "Family member updated successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="users_family_members_delete",
        parameters=[MEMBER_ID],
        request=None,
        responses=FamilyMemberData,
        summary="Remove a family member (their future bookings are cancelled; past visits stay)",
    )
    def destroy(self, request, id: str):
        member = family_member_remove(member=self.get_object(), actor=request.user)
        return ok(member_data(member), "Family member removed successfully")
