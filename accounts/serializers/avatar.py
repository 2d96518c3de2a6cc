"""Input of `POST /api/users/profile/avatar`."""

from rest_framework import serializers


class AvatarUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="JPEG or PNG (by content), at most FILE_MAX_BYTES.")
