"""Upload validation by content (SPEC.md §6), and metadata stripping of stored images.

The client's file name and Content-Type are never trusted: the type comes from the
bytes (magic numbers via `filetype`), images must decode completely in Pillow, a PDF
must start and end like one, and anything carrying markup another program would run
(a polyglot) is refused. Images are re-encoded without their metadata, so EXIF (GPS,
camera serials) and anything appended after the picture never reach storage.
"""

import io
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from arthomed.core.errors import FileTooLarge, InvalidFileType, TooManyFiles

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
DOCUMENT_TYPES = frozenset(EXTENSIONS)
IMAGE_TYPES = frozenset({JPEG, PNG})
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}

# Browsers sniff markup in the first 512 bytes, PDF readers look for `%PDF-` in the
# first 1024: a file of another type carrying either there is a polyglot.
SNIFF_WINDOW = 1024
HEAD_MARKERS = (b"<html", b"<script", b"<!doctype", b"<svg", b"<?xml", b"<body", b"<iframe", b"<?php", b"%pdf-")
# Searched through the whole file: long enough never to occur by chance in compressed data.
ACTIVE_CONTENT_MARKERS = (b"<script", b"<iframe", b"<!doctype html", b"<?php", b"javascript:")
PDF_TAIL_WINDOW = 1024

SAFE_NAME_PUNCTUATION = frozenset(" .()-_")
_UNDERSCORES = re.compile(r"_{2,}")
_SPACES = re.compile(r"\s+")
ORIGINAL_NAME_MAX = 100


@dataclass(frozen=True)
class ValidatedFile:
    """Bytes that passed validation, ready to store (images already stripped of metadata)."""

    content: bytes
    mime_type: str
    extension: str
    original_name: str


def validate_count(uploads: list) -> None:
    if len(uploads) > settings.FILE_MAX_COUNT:
        raise TooManyFiles(
            f"At most {settings.FILE_MAX_COUNT} files per request",
            details=f"{len(uploads)} files sent",
        )


def validate_upload(upload, *, allowed: frozenset[str] = DOCUMENT_TYPES) -> ValidatedFile:
    """Read one uploaded file, decide its type from its bytes, and return what may be stored."""
    label = sanitize_original_name(getattr(upload, "name", "") or "", None)
    size = upload.size
    if size is not None and size > settings.FILE_MAX_BYTES:
        raise _too_large(label)
    upload.seek(0)
    # Reads at most one byte past the limit, whatever `size` claimed.
    raw = upload.read(settings.FILE_MAX_BYTES + 1)
    if len(raw) > settings.FILE_MAX_BYTES:
        raise _too_large(label)
    if not raw:
        raise _invalid(label, "the file is empty")
    kind = filetype.guess(raw[:8192])
    mime_type = kind.mime if kind is not None else None
    if mime_type not in allowed:
        raise _invalid(label, "its content is not an allowed type", allowed)
    _refuse_polyglot(raw, mime_type, label)
    content = _check_pdf(raw, label) if mime_type == PDF else _clean_image(raw, mime_type, label)
    extension = EXTENSIONS[mime_type]
    return ValidatedFile(
        content=content,
        mime_type=mime_type,
        extension=extension,
        original_name=sanitize_original_name(getattr(upload, "name", "") or "", extension),
    )


def validate_uploads(uploads: list, *, allowed: frozenset[str] = DOCUMENT_TYPES) -> list[ValidatedFile]:
    """All files of one request, validated before any is stored: one bad file refuses the lot."""
    validate_count(uploads)
    return [validate_upload(upload, allowed=allowed) for upload in uploads]


def sanitize_original_name(name: str, extension: str | None) -> str:
    """The client's name, reduced to something safe to show and to put in Content-Disposition.

    Directory parts, control characters and shell/HTML punctuation go; the extension is
    the real type's, so `scan.png` holding a PDF is shown as `scan.pdf`.
    """
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    # Letters, marks (Indic vowel signs) and digits of any script survive; other symbols become "_".
    name = "".join(
        char if char in SAFE_NAME_PUNCTUATION or unicodedata.category(char)[0] in "LMN" else "_" for char in name
    )
    name = _SPACES.sub(" ", _UNDERSCORES.sub("_", name)).strip(" ._")
    stem, dot, current_extension = name.rpartition(".")
    if not dot:
        stem, current_extension = name, ""
    if extension is None:
        extension = current_extension
    stem = stem.strip(" ._")[: ORIGINAL_NAME_MAX - len(extension) - 1] or "file"
    return f"{stem}.{extension}" if extension else stem


def _refuse_polyglot(raw: bytes, mime_type: str, label: str) -> None:
    head = raw[:SNIFF_WINDOW].lower()
    markers = HEAD_MARKERS if mime_type != PDF else tuple(m for m in HEAD_MARKERS if m != b"%pdf-")
    if any(marker in head for marker in markers):
        raise _invalid(label, "it also carries markup or another file format")
    lowered = raw.lower()
    if any(marker in lowered for marker in ACTIVE_CONTENT_MARKERS):
        raise _invalid(label, "it carries active content (script or markup)")


def _check_pdf(raw: bytes, label: str) -> bytes:
    if not raw.startswith(b"%PDF-"):
        raise _invalid(label, "a PDF must start with %PDF-")
    if b"%%EOF" not in raw[-PDF_TAIL_WINDOW:]:
        raise _invalid(label, "the PDF is truncated (no %%EOF trailer)")
    return raw


def _clean_image(raw: bytes, mime_type: str, label: str) -> bytes:
    """Decode the whole image (catches truncation and bombs), then re-encode it without metadata."""
    expected_format = PILLOW_FORMATS[mime_type]
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format != expected_format:
                raise _invalid(label, "the image does not match its type")
            # Checked here rather than through Pillow's warning, which is process-global state.
            limit = Image.MAX_IMAGE_PIXELS
            if limit and probe.width * probe.height > limit:
                raise _invalid(label, "the image has too many pixels")
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _invalid(label, "the image is damaged or incomplete") from exc
    with image:
        return _reencode(image, expected_format)


def _reencode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    icc_profile = image.info.get("icc_profile")
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
        if orientation in (None, 1):
            # Same quantisation tables as the original: metadata goes, quality stays.
            image.save(out, "JPEG", quality="keep", subsampling="keep", **extra)
        else:
            # Without EXIF the viewer cannot rotate it, so the pixels are turned upright.
            upright = ImageOps.exif_transpose(image)
            upright.save(out, "JPEG", quality=95, **extra)
    else:
        # PNG is lossless: re-saving drops text/EXIF chunks and anything after IEND.
        image.save(out, "PNG", **extra)
    return out.getvalue()


def _too_large(label: str) -> FileTooLarge:
    limit_mb = settings.FILE_MAX_BYTES / (1024 * 1024)
    return FileTooLarge(f"Each file must be at most {limit_mb:g} MB", details=f"{label}: over the limit")


def _invalid(label: str, reason: str, allowed: frozenset[str] = DOCUMENT_TYPES) -> InvalidFileType:
    names = ", ".join(EXTENSIONS[mime].upper().replace("JPG", "JPEG") for mime in sorted(allowed))
    return InvalidFileType(f"Only {names} files are allowed", details=f"{label or 'file'}: {reason}")
