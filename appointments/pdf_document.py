"""What the clinic's printed documents share (prescription, receipt): an fpdf2 page with the letterhead."""

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

LINE = 6
# The PDF core fonts speak Latin-1 only; anything else is shown as "?" rather than failing the print.
ENCODING = "latin-1"


def pdf_text(value) -> str:
    return str(value).encode(ENCODING, "replace").decode(ENCODING)


def letterhead_lines() -> list[str]:
    """Address, phone and registration/GSTIN lines under the clinic's name, those that are set."""
    lines = [settings.CLINIC_ADDRESS, settings.CLINIC_PHONE and f"Phone: {settings.CLINIC_PHONE}"]
    if settings.CLINIC_REGISTRATION:
        lines.append(f"Registration / GSTIN: {settings.CLINIC_REGISTRATION}")
    return [line for line in lines if line]


class ClinicDocument(FPDF):
    """An A4 page with helpers for headings, lines, rules and labelled sections."""

    def __init__(self, *, title: str):
        super().__init__(format="A4")
        self.set_title(pdf_text(title))
        self.set_author(pdf_text(settings.CLINIC_NAME))
        self.add_page()

    def heading(self, text: str, size: int) -> None:
        self.set_font("Helvetica", "B", size)
        self.cell(0, LINE + 2, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def line_of(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, LINE, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rule(self) -> None:
        self.ln(1)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)

    def section(self, title: str, lines: list[str]) -> None:
        self.ln(2)
        self.line_of(title, bold=True, size=11)
        for text in lines or ["-"]:
            self.line_of(text)

    def letterhead(self) -> None:
        self.heading(settings.CLINIC_NAME, 18)
        for text in letterhead_lines():
            self.line_of(text)
        self.rule()

    def to_bytes(self) -> bytes:
        return bytes(self.output())
