"""Output shape of a stored file: `{_id, filename, originalName, path, size, mimeType, url}` (SPEC.md §6).

`url` (where the content is read) is only given to those who may read the content: a
receptionist gets the metadata with `url: null` (context `content_readable=False`).
"""

from rest_framework import serializers

from files.models import StoredFile


def file_url(stored: StoredFile) -> str:
    return f"/api/files/{stored.pk}"


class StoredFileOutputSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    filename = serializers.CharField(read_only=True)
    path = serializers.CharField(source="file.name", read_only=True, help_text="uploads/<kind>/<YYYY>/<MM>/<name>")
    url = serializers.SerializerMethodField()

    class Meta:
        model = StoredFile
        fields = ["_id", "filename", "original_name", "path", "size", "mime_type", "url"]

    def get_url(self, stored: StoredFile) -> str | None:
        return file_url(stored) if self.context.get("content_readable", True) else None


class FileDownloadQuerySerializer(serializers.Serializer):
    download = serializers.BooleanField(
        required=False, default=False, help_text="true: `Content-Disposition: attachment` instead of inline"
    )
    inline = serializers.BooleanField(
        required=False,
        default=False,
        help_text="1/true: show a medical image inline (medical files are attachments otherwise)",
    )
