"""Test material: real JPEG/PNG/PDF bytes, hostile files, stored reports."""

import io
import zlib

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


def pdf_document(catalog_extra: bytes = b"", *extra_objects: bytes) -> bytes:
    """A well-formed PDF (header, numbered objects, xref table with real offsets, trailer).

    Objects 1-3 are the catalog (with `catalog_extra` inside its dictionary), the page tree
    and one page; `extra_objects` become objects 4, 5, ...
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_object_stream(*objects: bytes, first_number: int = 10) -> bytes:
    """An object stream (`/Type /ObjStm`, deflated) holding `objects` as numbers 10, 11, ..."""
    header, body = b"", b""
    for number, content in enumerate(objects, start=first_number):
        header += b"%d %d " % (number, len(body))
        body += content + b" "
    data = zlib.compress(header + body)
    dictionary = b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>" % (
        len(objects),
        len(header),
        len(data),
    )
    return dictionary + b"\nstream\n" + data + b"\nendstream"


def jpeg_with_segments(*segments: bytes) -> bytes:
    """A real JPEG with raw marker segments (e.g. COM, APP1 XMP, APP13) inserted after SOI."""
    plain = jpeg_bytes()
    return plain[:2] + b"".join(segments) + plain[2:]


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def png_with_chunks(*chunks: tuple[bytes, bytes]) -> bytes:
    """A real PNG with extra ancillary chunks (type, data) inserted before IEND, CRCs correct."""
    plain = png_bytes()
    iend = plain.rindex(b"IEND") - 4
    extra = b"".join(
        len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big") for kind, data in chunks
    )
    return plain[:iend] + extra + plain[iend:]


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
