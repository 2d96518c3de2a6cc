"""Validation by content (SPEC.md §6): type from the bytes, whole decode, limits, metadata stripped."""

import io
import zlib

import pytest
from PIL import Image, ImageFile

from arthomed.core.errors import FileTooLarge, InvalidFileType, TooManyFiles
from files.tests.support import (
    HTML_BYTES,
    ORIENTATION,
    jpeg_bytes,
    jpeg_segment,
    jpeg_with_segments,
    pdf_bytes,
    pdf_document,
    pdf_object_stream,
    png_bytes,
    png_with_chunks,
    upload,
)
from files.validation import IMAGE_TYPES, sanitize_original_name, validate_upload, validate_uploads


def test_jpeg_png_pdf_are_accepted_by_content_whatever_their_name():
    assert validate_upload(upload(jpeg_bytes(), "a.pdf", "application/pdf")).mime_type == "image/jpeg"
    assert validate_upload(upload(png_bytes(), "b.jpg")).mime_type == "image/png"
    pdf = validate_upload(upload(pdf_bytes(), "c.png", "image/png"))
    assert pdf.mime_type == "application/pdf"
    assert pdf.extension == "pdf"
    assert pdf.original_name == "c.pdf"  # the shown extension is the real type's


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(HTML_BYTES, "photo.png", id="html-named-png"),
        pytest.param(b"", "empty.jpg", id="zero-byte"),
        pytest.param(b"GIF89a" + b"\x00" * 64, "anim.gif", id="gif"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 64, "report.pdf", id="zip"),
        pytest.param(b"MZ\x90\x00" + b"\x00" * 64, "x.jpg", id="exe"),
        pytest.param(b"plain text", "notes.pdf", id="text"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>", "i.png", id="svg"),
    ],
)
def test_anything_else_is_invalid_file_type(content, name):
    with pytest.raises(InvalidFileType) as caught:
        validate_upload(upload(content, name))
    assert caught.value.code == "INVALID_FILE_TYPE"
    assert caught.value.status_code == 400


def test_truncated_images_are_refused():
    whole_jpeg, whole_png = jpeg_bytes(size=(400, 300)), png_bytes(size=(300, 300))
    for truncated in (whole_jpeg[: len(whole_jpeg) // 2], whole_png[: len(whole_png) - 40]):
        with pytest.raises(InvalidFileType):
            validate_upload(upload(truncated))


def test_image_magic_without_a_decodable_image_is_refused():
    with pytest.raises(InvalidFileType):
        validate_upload(upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "fake.png"))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(jpeg_bytes() + b"<html><script>alert(1)</script></html>", id="jpeg+html-appended"),
        pytest.param(png_bytes(text="<script>fetch('/api/auth/me')</script>"), id="png-with-script-chunk"),
        pytest.param(png_bytes(text="%PDF-1.4 hidden document"), id="png+pdf-header"),
        pytest.param(pdf_bytes(b"<!DOCTYPE html><html><script>x()</script></html>\n"), id="pdf+html"),
        pytest.param(pdf_bytes(b"<< /S /URI /URI (javascript:alert(1)) >>\n"), id="pdf-javascript-uri"),
    ],
)
def test_polyglots_are_refused(content):
    with pytest.raises(InvalidFileType):
        validate_upload(upload(content, "polyglot.jpg"))


def test_pdf_must_start_and_end_like_one():
    with pytest.raises(InvalidFileType):
        validate_upload(upload(b" " + pdf_bytes(), "x.pdf"))
    with pytest.raises(InvalidFileType):
        validate_upload(upload(pdf_bytes()[:-8], "truncated.pdf"))


def test_avatar_rules_refuse_pdf():
    with pytest.raises(InvalidFileType):
        validate_upload(upload(pdf_bytes(), "me.pdf"), allowed=IMAGE_TYPES)


def test_size_limit(settings):
    settings.FILE_MAX_BYTES = 1000
    with pytest.raises(FileTooLarge) as caught:
        validate_upload(upload(pdf_bytes(b"%" + b"x" * 2000 + b"\n")))
    assert caught.value.status_code == 413
    assert validate_upload(upload(pdf_bytes())).mime_type == "application/pdf"


def test_count_limit():
    with pytest.raises(TooManyFiles) as caught:
        validate_uploads([upload(pdf_bytes(), f"{n}.pdf") for n in range(6)])
    assert caught.value.status_code == 400
    assert len(validate_uploads([upload(pdf_bytes(), f"{n}.pdf") for n in range(5)])) == 5


def test_images_over_the_pixel_limit_are_refused_from_the_header_without_decoding(settings, monkeypatch):
    decodes = count_decodes(monkeypatch)
    settings.FILE_MAX_PIXELS = 100 * 100 - 1
    for image in (png_bytes(size=(100, 100)), jpeg_bytes(size=(100, 100))):
        with pytest.raises(InvalidFileType) as caught:
            validate_upload(upload(image, "huge.png"))
        assert "pixels" in caught.value.details
    assert decodes == []
    settings.FILE_MAX_PIXELS = 100 * 100
    assert validate_upload(upload(png_bytes(size=(100, 100)), "ok.png")).mime_type == "image/png"


def test_the_pixel_limit_defaults_to_forty_million(settings):
    assert settings.FILE_MAX_PIXELS == 40_000_000


def test_a_declared_9400_square_png_is_refused_before_any_pixel_is_read(monkeypatch):
    """A real PNG header of 9400 x 9400 pixels, as in the review's 335 KB upload."""
    decodes = count_decodes(monkeypatch)
    header = png_bytes()
    ihdr = header.index(b"IHDR")
    fields = (9400).to_bytes(4, "big") * 2 + header[ihdr + 12 : ihdr + 17]
    chunk = b"IHDR" + fields
    huge = header[: ihdr - 4] + (13).to_bytes(4, "big") + chunk + zlib.crc32(chunk).to_bytes(4, "big")
    huge += header[ihdr + 4 + 13 + 4 :]
    assert Image.open(io.BytesIO(huge)).size == (9400, 9400)
    with pytest.raises(InvalidFileType):
        validate_upload(upload(huge, "huge.png"))
    assert decodes == []


@pytest.mark.parametrize("image", [pytest.param(png_bytes, id="png"), pytest.param(jpeg_bytes, id="jpeg")])
def test_each_accepted_image_is_decoded_exactly_once(monkeypatch, image):
    decodes = count_decodes(monkeypatch)
    validate_upload(upload(image(), "photo"))
    assert len(decodes) == 1


def count_decodes(monkeypatch) -> list:
    """Record every pixel decode (Pillow's `ImageFile.load` with pixels still to read)."""
    calls = []
    original = ImageFile.ImageFile.load

    def load(self):
        if self.tile:
            calls.append(self.format)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def test_jpeg_exif_and_gps_are_stripped():
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the sample really carries GPS
    cleaned = validate_upload(upload(original, "holiday.jpg")).content
    assert b"Exif" not in cleaned[:2048]
    stored = Image.open(io.BytesIO(cleaned))
    assert not stored.getexif()
    assert stored.size == (64, 48)


def test_jpeg_orientation_is_applied_before_exif_goes():
    # Orientation 6 = rotate 90°: the stored picture is upright without needing the tag.
    cleaned = validate_upload(upload(jpeg_bytes(orientation=6, size=(64, 48)))).content
    stored = Image.open(io.BytesIO(cleaned))
    assert stored.size == (48, 64)
    assert ORIENTATION not in stored.getexif()


def test_png_text_chunks_are_stripped():
    cleaned = validate_upload(upload(png_bytes(text="Patient: Priya, GPS 12.9,77.5"), "x.png")).content
    assert b"Patient" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).size == (32, 32)


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\x\\scan 1.JPG", "jpg", "scan 1.jpg"),
        ('a"b<script>.png', "png", "a_b_script.png"),
        ("\x00\x1b[31mred.pdf", "pdf", "31mred.pdf"),
        ("...", "pdf", "file.pdf"),
        ("रिपोर्ट.pdf", "pdf", "रिपोर्ट.pdf"),
        ("x" * 300 + ".pdf", "pdf", "x" * 96 + ".pdf"),
    ],
)
def test_original_names_are_sanitised(name, extension, expected):
    assert sanitize_original_name(name, extension) == expected


def jpeg_markers(content: bytes) -> list[int]:
    """The marker of every segment before the image data (SOS)."""
    markers, position = [], 2
    while content[position] == 0xFF and content[position + 1] != 0xDA:
        markers.append(content[position + 1])
        position += 2 + int.from_bytes(content[position + 2 : position + 4], "big")
    return markers


def png_chunk_types(content: bytes) -> list[bytes]:
    types, position = [], 8
    while position < len(content):
        length = int.from_bytes(content[position : position + 4], "big")
        types.append(content[position + 4 : position + 8])
        position += 12 + length
    return types


COM, APP1, APP13 = 0xFE, 0xE1, 0xED


def test_every_jpeg_comment_and_text_segment_is_stripped():
    original = jpeg_with_segments(
        jpeg_segment(COM, b"secret-comment patient 9876543210"),
        jpeg_segment(APP1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>secret-xmp</x:xmpmeta>"),
        jpeg_segment(APP13, b"Photoshop 3.0\x008BIM secret-iptc"),
    )
    assert Image.open(io.BytesIO(original)).info.get("comment")  # Pillow really reads the comment
    cleaned = validate_upload(upload(original, "scan.jpg")).content
    assert b"secret" not in cleaned
    assert not {COM, APP1, APP13} & set(jpeg_markers(cleaned))
    assert Image.open(io.BytesIO(cleaned)).size == Image.open(io.BytesIO(original)).size


def test_every_png_text_and_exif_chunk_is_stripped():
    original = png_with_chunks(
        (b"tEXt", b"Comment\x00secret-text"),
        (b"zTXt", b"Note\x00\x00" + zlib.compress(b"secret-ztext")),
        (b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00secret-itext"),
        (b"eXIf", b"MM\x00*\x00\x00\x00\x08\x00\x00"),
    )
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf"} <= set(png_chunk_types(original))
    cleaned = validate_upload(upload(original, "scan.png")).content
    assert b"secret" not in cleaned
    assert not {b"tEXt", b"zTXt", b"iTXt", b"eXIf"} & set(png_chunk_types(cleaned))


ACTIVE_PDFS = {
    "open-action-javascript": pdf_document(b"/OpenAction 4 0 R", b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    "page-additional-actions": pdf_document(b"/AA << /WC 4 0 R >>", b"<< /S /Named /N /Print >>"),
    "launch": pdf_document(b"/OpenAction 4 0 R", b"<< /S /Launch /F (cmd.exe) >>"),
    "embedded-file": pdf_document(
        b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
        b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
    ),
    "hex-escaped-name": pdf_document(b"/OpenAction 4 0 R", b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
    "inside-an-object-stream": pdf_document(
        b"/OpenAction 10 0 R", pdf_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    ),
    "object-stream-with-escaped-type": pdf_document(
        b"", pdf_object_stream(b"<< /S /Launch /F (x) >>").replace(b"/ObjStm", b"/Obj#53tm")
    ),
}


@pytest.mark.parametrize("name", sorted(ACTIVE_PDFS))
def test_pdfs_carrying_active_content_are_invalid_file_type(name):
    with pytest.raises(InvalidFileType) as caught:
        validate_upload(upload(ACTIVE_PDFS[name], "report.pdf", "application/pdf"))
    assert "active content" in caught.value.details


def test_plain_pdfs_pass_also_with_object_streams_and_names_that_only_start_alike():
    plain = pdf_document(b"/PageMode /UseNone /JSON_like (x)", pdf_object_stream(b"<< /Type /Annot /AAA 1 >>"))
    assert validate_upload(upload(plain, "report.pdf", "application/pdf")).content == plain


def test_a_pdf_whose_object_stream_cannot_be_read_is_refused():
    unreadable = pdf_document(b"", b"<< /Type /ObjStm /N 1 /First 4 >>\nstream\nnot deflate\nendstream")
    with pytest.raises(InvalidFileType) as caught:
        validate_upload(upload(unreadable, "report.pdf", "application/pdf"))
    assert "cannot be checked" in caught.value.details


def test_a_deflate_bomb_in_an_object_stream_stops_at_the_budget(monkeypatch):
    monkeypatch.setattr("files.validation.PDF_INFLATE_BUDGET", 1024 * 1024)
    bomb = pdf_document(b"", pdf_object_stream(b"0" * (4 * 1024 * 1024)))
    assert len(bomb) < 10 * 1024
    with pytest.raises(InvalidFileType) as caught:
        validate_upload(upload(bomb, "report.pdf", "application/pdf"))
    assert "too large to check" in caught.value.details
