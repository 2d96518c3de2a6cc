"""Upload validation by content (SPEC.md §6), and metadata stripping of stored images.

The client's file name and Content-Type are never trusted: the type comes from the
bytes (magic numbers via `filetype`), images must decode completely in Pillow, a PDF
must start and end like one, and anything carrying markup another program would run
(a polyglot) is refused, and so is a PDF carrying active content (scripts, actions,
launches, attachments), also when hidden in compressed object streams. Images are
refused above `FILE_MAX_PIXELS` from their header, decoded once, and re-encoded without
their metadata, so EXIF (GPS, camera serials), text chunks, comments and anything
appended after the picture never reach storage.
"""

import io
import re
import unicodedata
import zlib
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
# PDF names that make a reader run or open something: scripts, actions on open or on
# events, launching programs, attached files, Flash/3D content, XFA forms (which script).
PDF_ACTIVE_NAMES = frozenset(
    {"JavaScript", "JS", "OpenAction", "AA", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA"}
)
# A name runs to the next whitespace or delimiter; `#xx` escapes spell any byte (`/J#61vaScript`).
PDF_NAME_RE = re.compile(rb"/([^\s()<>\[\]{}/%]*)")
PDF_HEX_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM_RE = re.compile(rb"stream\r?\n")
# Object streams hide dictionaries inside compressed data: they are inflated (up to this
# much in all, so a deflate bomb costs nothing) and searched too.
PDF_INFLATE_BUDGET = 20 * 1024 * 1024

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
    active = _pdf_active_names(raw)
    for stream in _pdf_object_streams(raw, label):
        active |= _pdf_active_names(stream)
    if active:
        raise _invalid(label, f"the PDF carries active content ({', '.join(sorted(active))})")
    return raw


def _pdf_names(data: bytes) -> set[str]:
    return {
        PDF_HEX_ESCAPE_RE.sub(lambda match: bytes.fromhex(match[1].decode()), name).decode("latin-1")
        for name in PDF_NAME_RE.findall(data)
    }


def _pdf_active_names(data: bytes) -> set[str]:
    return _pdf_names(data) & PDF_ACTIVE_NAMES


def _pdf_object_streams(raw: bytes, label: str) -> list[bytes]:
    """The inflated content of every object stream (`/Type /ObjStm`), within one budget."""
    inflated, budget = [], PDF_INFLATE_BUDGET
    for match in PDF_STREAM_RE.finditer(raw):
        if raw[match.start() - 3 : match.start()] == b"end":
            continue
        start = match.end()
        dictionary = raw[raw.rfind(b"obj", 0, match.start()) + 3 : match.start()]
        if "ObjStm" not in _pdf_names(dictionary):
            continue
        end = raw.find(b"endstream", start)
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(raw[start : end if end != -1 else len(raw)], budget + 1)
        except zlib.error as exc:
            # Not deflated, or encrypted: what cannot be read cannot be shown to be safe.
            raise _invalid(label, "the PDF has an object stream that cannot be checked") from exc
        budget -= len(data)
        if budget < 0:
            raise _invalid(label, "the PDF's object streams are too large to check")
        inflated.append(data)
    return inflated


def _clean_image(raw: bytes, mime_type: str, label: str) -> bytes:
    """Decode the image once (catches truncation and bombs), then re-encode it without metadata.

    `Image.open` reads only the header, so the pixel limit is checked before a single pixel
    is decoded; `load()` is the one decode, and the re-encoding works from its result.
    """
    expected_format = PILLOW_FORMATS[mime_type]
    try:
        image = Image.open(io.BytesIO(raw))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _invalid(label, "the image is damaged or incomplete") from exc
    with image:
        if image.format != expected_format:
            raise _invalid(label, "the image does not match its type")
        if image.width * image.height > settings.FILE_MAX_PIXELS:
            raise _invalid(label, f"the image has more than {settings.FILE_MAX_PIXELS:,} pixels")
        try:
            image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise _invalid(label, "the image is damaged or incomplete") from exc
        return _reencode(image, expected_format)


def _reencode(image: Image.Image, image_format: str) -> bytes:
    """Pixels (and the colour profile) only: Pillow writes no text, comment or EXIF segment unless told,
    except a JPEG's `COM` comment, which it copies from the source unless given an empty one."""
    out = io.BytesIO()
    icc_profile = image.info.get("icc_profile")
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        extra["comment"] = b""
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
