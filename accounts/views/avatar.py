"""`POST /api/users/profile/avatar`: the signed-in user's profile picture."""

from djangorestframework_camel_case.parser import CamelCaseMultiPartParser
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from accounts.selectors.people import users_with_details
from accounts.serializers.avatar import AvatarUploadInputSerializer
from accounts.serializers.people import UserOutputSerializer
from accounts.services.avatar import user_avatar_set
from arthomed.api.responses import ok
from arthomed.api.schema import data_of
from files.upload_handlers import LimitedUploadMixin


class AvatarUploadView(LimitedUploadMixin, APIView):
    parser_classes = [CamelCaseMultiPartParser]

    @extend_schema(
        tags=["users"],
        summary="Upload or replace my profile picture",
        request={"multipart/form-data": AvatarUploadInputSerializer},
        responses=data_of("AvatarUserData", user=UserOutputSerializer),
    )
    def post(self, request):
        form = AvatarUploadInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user_avatar_set(user=request.user, upload=form.validated_data["file"])
        user = users_with_details().get(pk=request.user.pk)
        return ok({"user": UserOutputSerializer(user).data}, "Profile picture updated successfully")
