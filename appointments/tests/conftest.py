"""Fixtures of the appointments tests that other apps do not need."""

import pytest
from django.conf import settings

from appointments.pdf_document import unicode_font


@pytest.fixture
def unicode_pdf_font():
    """The PDFs' Unicode font as configured (Debian's fonts-dejavu-core, which `.ci/run` installs)."""
    if unicode_font(settings.PDF_FONT_DIR) is None:
        pytest.skip(f"DejaVu Sans not in PDF_FONT_DIR ({settings.PDF_FONT_DIR}): apt-get install fonts-dejavu-core")


@pytest.fixture
def core_pdf_fonts(settings, tmp_path):
    """No Unicode font where PDF_FONT_DIR points: the PDFs fall back to the Latin-1 core fonts."""
    settings.PDF_FONT_DIR = str(tmp_path)
