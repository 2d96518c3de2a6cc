"""Stored files (medical reports, prescriptions, avatars) and the access log of their content."""

import uuid

from django.conf import settings
from django.db import models


class FileKind(models.TextChoices):
    APPOINTMENT_REPORT = "appointments/reports", "Appointment report"
    APPOINTMENT_PRESCRIPTION = "appointments/prescriptions", "Appointment prescription"
    PROFILE = "profiles", "Profile picture"


class StoredFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32, choices=FileKind.choices)
    # Storage name: uploads/<kind>/<YYYY>/<MM>/<ownerId>_<timestamp>_<random>.<ext>
    file = models.FileField(max_length=255, unique=True)
    original_name = models.CharField(max_length=255, blank=True)
    mime_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The person the record is about (the patient, or the avatar's user).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_files")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploaded_files"
    )
    appointment = models.ForeignKey(
        "appointments.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["appointment", "created_at"], name="file_appointment_created"),
            models.Index(fields=["owner", "kind"], name="file_owner_kind"),
        ]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class FileAccessLog(models.Model):
    """Every read of a file's content: who, which file, when, from where (kept after deletes)."""

    file = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_log")
    file_name = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    accessed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"{self.file_name} at {self.accessed_at:%Y-%m-%d %H:%M}"
