"""Test material: real JPEG/PNG/PDF bytes, hostile files, stored reports."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from files.models import FileKind
from files.services import file_store

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_bytes(*, gps: bool = False, orientation: int | None = None, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (12.0, 58.0, 15.0), 3: "E", 4: (77.0, 35.0, 40.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_bytes(size=(32, 32), *, text: str | None = None) -> bytes:
    from PIL import PngImagePlugin

    image = Image.new("RGBA", size, (10, 120, 200, 255))
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_bytes(body: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(content: bytes, name: str = "scan.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def store_report(appointment, *, uploaded_by=None, content: bytes | None = None, name: str = "report.pdf"):
    return file_store(
        upload=upload(content or pdf_bytes(), name, "application/pdf"),
        kind=FileKind.APPOINTMENT_REPORT,
        owner=appointment.patient,
        uploaded_by=uploaded_by or appointment.patient,
        appointment=appointment,
    )


def media_files(root) -> list[str]:
    """Every stored file under MEDIA_ROOT, as storage names."""
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
