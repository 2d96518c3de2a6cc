"""Validation by content (SPEC.md §6): type from the bytes, whole decode, limits, metadata stripped."""

import io

import pytest
from PIL import Image

from arthomed.core.errors import FileTooLarge, InvalidFileType, TooManyFiles
from files.tests.support import HTML_BYTES, ORIENTATION, jpeg_bytes, pdf_bytes, png_bytes, upload
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


def test_decompression_bomb_is_refused(monkeypatch):
    # Over the limit but under twice it, where Pillow itself would only warn.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 6000)
    with pytest.raises(InvalidFileType), pytest.warns(Image.DecompressionBombWarning):
        validate_upload(upload(png_bytes(size=(100, 100)), "bomb.png"))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(InvalidFileType):
        validate_upload(upload(png_bytes(size=(100, 100)), "bomb.png"))


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
