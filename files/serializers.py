"""Output shape of a stored file: `{_id, filename, originalName, size, mimeType, url}` (SPEC.md §6)."""

from rest_framework import serializers

from files.models import StoredFile


def file_url(stored: StoredFile) -> str:
    return f"/api/files/{stored.pk}"


class StoredFileOutputSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    filename = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = StoredFile
        fields = ["_id", "filename", "original_name", "size", "mime_type", "url"]

    def get_url(self, stored: StoredFile) -> str:
        return file_url(stored)


class FileDownloadQuerySerializer(serializers.Serializer):
    download = serializers.BooleanField(
        required=False, default=False, help_text="true: `Content-Disposition: attachment` instead of inline"
    )
    inline = serializers.BooleanField(
        required=False,
        default=False,
        help_text="1/true: show a medical image inline (medical files are attachments otherwise)",
    )
