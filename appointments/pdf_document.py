"""What the clinic's printed documents share (prescription, receipt): an fpdf2 page with the letterhead."""

from functools import cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from appointments.money_words import rupees_in_figures

LINE = 6
# A Unicode font when the system has it (Debian's fonts-dejavu-core, installed by the Docker image
# and CI, in PDF_FONT_DIR): names in every Latin, Greek or Cyrillic script and the rupee sign.
UNICODE_FAMILY = "DejaVu"
UNICODE_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Without it, the PDF core fonts, which speak Latin-1 only.
CORE_FAMILY = "Helvetica"
CORE_ENCODING = "latin-1"


@cache
def unicode_font(directory: str) -> tuple[dict, frozenset] | None:
    """({style: font file}, the characters both styles draw) when the font is in `directory`, else None."""
    files = {style: Path(directory) / name for style, name in UNICODE_FILES.items()}
    if not all(path.is_file() for path in files.values()):
        return None
    drawn = None
    for path in files.values():
        with TTFont(path, lazy=True) as font:
            characters = frozenset(font.getBestCmap())
        drawn = characters if drawn is None else drawn & characters
    return {style: str(path) for style, path in files.items()}, drawn


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
        found = unicode_font(settings.PDF_FONT_DIR)
        self.family, self.drawn = CORE_FAMILY, None
        if found is not None:
            files, self.drawn = found
            for style, path in files.items():
                self.add_font(UNICODE_FAMILY, style, path)
            self.family = UNICODE_FAMILY
        self.set_title(self.printable(title))
        self.set_author(self.printable(settings.CLINIC_NAME))
        self.add_page()

    def printable(self, value) -> str:
        """`value` with what the font cannot draw shown as "?" rather than failing the print (or
        dropped silently): Devanagari, say, which neither font has."""
        text = str(value)
        if self.drawn is None:
            return text.encode(CORE_ENCODING, "replace").decode(CORE_ENCODING)
        return "".join(char if ord(char) in self.drawn or char in "\n\r\t" else "?" for char in text)

    def rupees(self, amount) -> str:
        """₹1,25,000.00; "Rs. 1,25,000.00" with the core fonts, which have no rupee sign."""
        return rupees_in_figures(amount, symbol="₹" if self.drawn and ord("₹") in self.drawn else "Rs. ")

    def heading(self, text: str, size: int) -> None:
        self.set_font(self.family, "B", size)
        self.cell(0, LINE + 2, self.printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def line_of(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, LINE, self.printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

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
