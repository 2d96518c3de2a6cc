"""Multipart inputs: files added to an appointment, and booking with `images`."""

from rest_framework import serializers

from appointments.serializers.booking import AppointmentBookInputSerializer
from appointments.services.uploads import KIND_BY_CATEGORY


class AppointmentFilesUploadInputSerializer(serializers.Serializer):
    appointment_id = serializers.CharField(max_length=64)
    # The old app sends no category: its uploads are reports.
    category = serializers.ChoiceField(choices=sorted(KIND_BY_CATEGORY), default="report")
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text="JPEG, PNG or PDF, decided by content; at most FILE_MAX_COUNT files of FILE_MAX_BYTES each. "
        "`files[]` is accepted too.",
    )


class AppointmentBookMultipartInputSerializer(AppointmentBookInputSerializer):
    """The booking fields plus `images` (also `images[]`), as multipart/form-data."""

    images = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        help_text="Reports or X-rays: JPEG, PNG or PDF by content, at most FILE_MAX_COUNT of FILE_MAX_BYTES each.",
    )
