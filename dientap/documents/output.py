"""Vietnamese-format output: a .docx per format family, text extraction, and copy marks.

Format families (DOMAIN.md §5):
- State bodies, Decree 30/2020/NĐ-CP: A4; margins top/bottom 20 mm, left 30 mm, right 15 mm;
  Times New Roman; "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold caps 12 pt) over "Độc lập - Tự
  do - Hạnh phúc" (bold 13 pt, underlined); issuing body (bold caps) with a short line under
  it; "Số: 05/QĐ-UBND"; secrecy and urgency marks under the number; place and date in
  italics; type and summary; body; signature block with its authority prefix; recipients
  ending in "Lưu: VT, …".
- Party bodies: "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined) instead of the national title and
  motto, a star under the issuing body, "Số 05-NQ/TU", authority prefixes T/M, K/T, T/L.
- Military bodies: the State layout with the governing command above the issuing body,
  "Số: 05/QĐ-BCH" and the signer's rank before the name.

Everything printed here is the document's own text, so it is Vietnamese whatever the user's
interface language.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from django.utils import timezone
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .models import Authority, Document, FormatFamily

FONT = "Times New Roman"
PAGE = (Mm(210), Mm(297))
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH_MM = 210 - 30 - 15
# The header table reaches 5 mm into the left margin, as the usual templates do, so that the
# national title holds on one line at 12-13 pt.
HEADER_INDENT_MM = -5
LEFT_COL_MM, RIGHT_COL_MM = 72, TEXT_WIDTH_MM + 5 - 72
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
_PARTY_AUTHORITY = {"TM.": "T/M", "KT.": "K/T", "TL.": "T/L", "TUQ.": "T/UQ", "Q.": "Q."}
MARK_RED = RGBColor(0xC0, 0x00, 0x00)


# ---- dates and numbers -------------------------------------------------------------------

def place_date(place: str, day: date | None, year: int | None = None) -> str:
    """"Tuyên Quang, ngày 05 tháng 01 năm 2023" (day < 10 and month 1-2 with a leading 0)."""
    prefix = f"{place}, " if place else ""
    if day is None:
        blank = "\u00a0" * 5
        return f"{prefix}ngày{blank}tháng{blank}năm {year or timezone.localdate().year}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{prefix}ngày {day.day:02d} tháng {month} năm {day.year}"


# ---- text of versions --------------------------------------------------------------------

def paragraphs_of_text(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def paragraphs_of_docx(data: bytes) -> list[str]:
    """The text of every paragraph (including those in tables), in document order."""
    document = Docx(io.BytesIO(data))
    out = []
    for p in document.element.body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()
        if text:
            out.append(" ".join(text.split()))
    return out


_ODT_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def paragraphs_of_odt(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as member:
        root = ElementTree.parse(member).getroot()  # noqa: S314 - checked on upload
    out = []
    for element in root.iter():
        if element.tag in (f"{{{_ODT_TEXT}}}p", f"{{{_ODT_TEXT}}}h"):
            text = " ".join("".join(element.itertext()).split())
            if text:
                out.append(text)
    return out


# ---- building blocks ---------------------------------------------------------------------

# Child order of the WordprocessingML property elements we add to (ECMA-376): Word refuses
# ("repairs") a file whose elements are out of order.
_PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)
_TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
)
_RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
    "specVanish", "oMath",
)


def _insert_ordered(parent, child, order):
    """Insert `child` into `parent` before the first sibling that must follow it."""
    name = child.tag.rsplit("}", 1)[-1]
    later = {qn(f"w:{tag}") for tag in order[order.index(name) + 1:]}
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _set_fonts(run_or_style_element, name=FONT):
    rpr = run_or_style_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _insert_ordered(rpr, OxmlElement("w:rFonts"), _RPR_ORDER)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _para(container, text="", *, size=14, bold=False, italic=False, underline=False,
          align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0, caps=False, color=None,
          first_line_mm=None, boxed=False):
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if first_line_mm is not None:
        fmt.first_line_indent = Mm(first_line_mm)
    if text:
        _run(p, text.upper() if caps else text, size=size, bold=bold, italic=italic,
             underline=underline, color=color, boxed=boxed)
    return p


def _run(p, text, *, size=14, bold=False, italic=False, underline=False, color=None,
         boxed=False):
    run = p.add_run(text)
    run.font.name = FONT
    _set_fonts(run._element)
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    if color is not None:
        run.font.color.rgb = color
    if boxed:
        border = OxmlElement("w:bdr")
        for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "1"),
                           ("w:color", "auto")):
            border.set(qn(key), value)
        _insert_ordered(run._element.get_or_add_rPr(), border, _RPR_ORDER)
    return run


def _short_line(container, width_mm, column_mm):
    """A short horizontal rule centred in a column (the line under the issuing body)."""
    p = container.add_paragraph()
    indent = max(0, (column_mm - width_mm) / 2)
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(indent)
    fmt.space_before, fmt.space_after = Pt(3), Pt(0)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "auto")):
        top.set(qn(key), value)
    borders.append(top)
    _insert_ordered(ppr, borders, _PPR_ORDER)
    run = p.add_run("")
    run.font.size = Pt(2)
    return p


def _no_borders_table(document, widths_mm, indent_mm=0):
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.autofit = False
    tbl_pr = table._tbl.tblPr  # autofit False gave it <w:tblLayout w:type="fixed"/>
    if indent_mm:
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(round(indent_mm * 56.7)))  # twentieths of a point
        indent.set(qn("w:type"), "dxa")
        _insert_ordered(tbl_pr, indent, _TBLPR_ORDER)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        cell_margin = OxmlElement(f"w:{side}")
        cell_margin.set(qn("w:w"), "40")
        cell_margin.set(qn("w:type"), "dxa")
        margins.append(cell_margin)
    _insert_ordered(tbl_pr, margins, _TBLPR_ORDER)
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
        # The cell starts with an empty paragraph; remove it so content starts at the top.
        for p in list(cell.paragraphs):
            p._element.getparent().remove(p._element)
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
    return table


def _mark_paragraph(container, text, *, first=False):
    p = _para(container, text, size=11, bold=True, color=MARK_RED,
              align=WD_ALIGN_PARAGRAPH.RIGHT)
    if first:
        body = p._p.getparent()
        body.remove(p._p)
        body.insert(0, p._p)
    return p


def _setup(document):
    section = document.sections[0]
    section.page_width, section.page_height = PAGE
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)


_ARTICLE = re.compile(r"^((?:Điều|Mục|Phần|Chương)\s+[0-9IVXLC]+\.?)(\s.*)?$")


# ---- the formatted document --------------------------------------------------------------
#
# A document is a letterhead (national title and motto, issuing body, number, place and date,
# secrecy and urgency marks, type and summary), a body made of blocks (text paragraphs,
# headings, tables, images) and a footer (recipients, signature). `build_docx` makes a
# register document of its text; other apps (reports) compose their own blocks.

@dataclass
class Letterhead:
    """What the header and the footer print, whatever the body."""

    format_family: str
    issuer: str
    number_symbol: str
    year: int
    parent_issuer: str = ""
    secrecy_mark: str = ""
    urgency_mark: str = ""
    place: str = ""
    issued_date: date | None = None
    type_print: str = ""
    title: str = ""
    issuer_code: str = ""
    sign_authority: str = ""
    sign_on_behalf: str = ""
    sign_title: str = ""
    sign_name: str = ""

    @classmethod
    def of_document(cls, doc: Document) -> "Letterhead":
        return cls(
            format_family=doc.format_family, issuer=doc.owner_body.name,
            number_symbol=doc.number_symbol,
            year=doc.issued_date.year if doc.issued_date else doc.exercise.start_date.year,
            parent_issuer=doc.parent_issuer, secrecy_mark=doc.secrecy_mark,
            urgency_mark=doc.urgency_mark, place=doc.place, issued_date=doc.issued_date,
            type_print=doc.type_print, title=doc.title, issuer_code=doc.issuer_code,
            sign_authority=doc.sign_authority, sign_on_behalf=doc.sign_on_behalf,
            sign_title=doc.sign_title, sign_name=doc.sign_name)


@dataclass
class Text:
    """A paragraph of the body: justified, first line indented; "Điều 1." in bold; a short
    all-caps line ending in ":" ("QUYẾT ĐỊNH:") stands alone, centred."""

    text: str


@dataclass
class Heading:
    """A section heading: level 1 "I. TÌNH HÌNH CHUNG" (bold), level 2 "1. …" (bold italic)."""

    text: str
    level: int = 1


@dataclass
class Table:
    """A table with a bold header row; `widths_mm` should add up to the text width."""

    headers: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None
    caption: str = ""
    size: int = 12
    # Per column: "c" centred, "l" left, "r" right; default: the first centred, others left.
    aligns: str = ""


@dataclass
class Image:
    """A picture (PNG or JPEG bytes), centred, with an optional italic caption under it."""

    data: bytes
    width_mm: float = 150
    caption: str = ""


def _header(document, head: Letterhead):
    party = head.format_family == FormatFamily.PARTY
    header = _no_borders_table(document, [LEFT_COL_MM, RIGHT_COL_MM], HEADER_INDENT_MM)
    left, right = header.rows[0].cells
    if head.parent_issuer:
        _para(left, head.parent_issuer, size=13, caps=True)
    _para(left, head.issuer, size=13, bold=True, caps=True)
    if party:
        _para(left, "*", size=13)
    else:
        _short_line(left, 25, LEFT_COL_MM)
    label = "Số " if party else "Số: "
    _para(left, label + head.number_symbol, size=13, before=4)
    if head.secrecy_mark:
        _para(left, head.secrecy_mark, size=13, bold=True, before=6, boxed=True)
    if head.urgency_mark:
        _para(left, head.urgency_mark, size=13, bold=True, before=6, boxed=True)

    if party:
        _para(right, PARTY_TITLE, size=15, bold=True, underline=True)
    else:
        _para(right, NATIONAL_TITLE, size=12, bold=True)
        _para(right, MOTTO, size=13, bold=True, underline=True)
    _para(right, place_date(head.place, head.issued_date, head.year), size=14, italic=True,
          before=12)

    if head.type_print:
        _para(document, head.type_print, size=14, bold=True, before=24)
    _para(document, head.title, size=14, bold=True, before=0 if head.type_print else 24)
    if party:
        _para(document, "-----", size=14, after=6)
    else:
        _short_line(document, 40, TEXT_WIDTH_MM)


def _text_block(document, text: str):
    if text.endswith(":") and text == text.upper() and len(text) <= 40:
        # "QUYẾT ĐỊNH:", "QUYẾT NGHỊ:" stand alone, centred.
        _para(document, text, size=14, bold=True, before=6, after=6)
        return
    p = _para(document, "", align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, first_line_mm=10)
    p.paragraph_format.line_spacing = 1.15
    match = _ARTICLE.match(text)
    if match:
        _run(p, match.group(1), bold=True)
        if match.group(2):
            _run(p, match.group(2))
    else:
        _run(p, text)


def _cell_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"),
                           ("w:color", "auto")):
            edge.set(qn(key), value)
        borders.append(edge)
    _insert_ordered(tbl_pr, borders, _TBLPR_ORDER)


_ALIGN = {"c": WD_ALIGN_PARAGRAPH.CENTER, "l": WD_ALIGN_PARAGRAPH.LEFT,
          "r": WD_ALIGN_PARAGRAPH.RIGHT}


def _table_block(document, block: Table):
    columns = len(block.headers)
    widths = block.widths_mm or [TEXT_WIDTH_MM / columns] * columns
    aligns = (block.aligns or "c" + "l" * (columns - 1)).ljust(columns, "l")
    if block.caption:
        _para(document, block.caption, size=13, bold=True, before=6, after=3)
    table = _no_borders_table(document, widths)
    _cell_borders(table)
    # The header row is repeated on every page the table runs over.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        _para(cell, text, size=block.size, bold=True)
    for values in block.rows:
        cells = table.add_row().cells
        for cell, width, align, value in zip(cells, widths, aligns, values, strict=True):
            cell.width = Mm(width)
            for p in list(cell.paragraphs):
                p._element.getparent().remove(p._element)
            _para(cell, "" if value is None else str(value), size=block.size,
                  align=_ALIGN[align])
    _para(document, "", size=6)


def _image_block(document, block: Image):
    p = _para(document, "", before=6)
    p.add_run().add_picture(io.BytesIO(block.data), width=Mm(block.width_mm))
    if block.caption:
        _para(document, block.caption, size=12, italic=True, after=6)


def _body(document, blocks):
    for block in blocks:
        if isinstance(block, str):
            block = Text(block)
        if isinstance(block, Text):
            _text_block(document, block.text)
        elif isinstance(block, Heading):
            _para(document, block.text, size=14, bold=True, italic=block.level > 1,
                  align=WD_ALIGN_PARAGRAPH.LEFT, before=6, after=3, first_line_mm=10)
        elif isinstance(block, Table):
            _table_block(document, block)
        elif isinstance(block, Image):
            _image_block(document, block)
        else:  # pragma: no cover - programming error
            raise TypeError(f"unknown block {block!r}")


def _footer(document, head: Letterhead, recipients: list[str]):
    party = head.format_family == FormatFamily.PARTY
    footer = _no_borders_table(document, [80, TEXT_WIDTH_MM - 80])
    where, sign = footer.rows[0].cells
    _para(where, "Nơi nhận:", size=12, bold=True, italic=True, before=12,
          align=WD_ALIGN_PARAGRAPH.LEFT)
    for name in recipients:
        _para(where, f"- {name};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    archive = "Lưu: VT" + (f", {head.issuer_code}" if head.issuer_code else "") + "."
    _para(where, f"- {archive}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)

    authority = head.sign_authority
    if party:
        authority = _PARTY_AUTHORITY.get(authority, authority)
    if authority and head.sign_on_behalf:
        _para(sign, f"{authority} {head.sign_on_behalf}", size=14, bold=True, caps=True,
              before=12)
        _para(sign, head.sign_title, size=14, bold=True, caps=True)
    else:
        prefix = f"{authority} " if authority and authority != Authority.OWN else ""
        _para(sign, prefix + (head.sign_title or ""), size=14, bold=True, caps=True, before=12)
    for _ in range(4):
        _para(sign, "", size=14)
    _para(sign, head.sign_name, size=14, bold=True)


def compose_docx(head: Letterhead, blocks, *, recipients: list[str], mark: str = "") -> bytes:
    """A document in its format family: header, `blocks`, footer, as .docx bytes."""
    document = Docx()
    _setup(document)
    if mark:
        _mark_paragraph(document, mark)
        _mark_paragraph(document.sections[0].footer, mark)
    _header(document, head)
    _body(document, blocks)
    _footer(document, head, recipients)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_docx(doc: Document, paragraphs: list[str], *, recipients: list[str],
               mark: str = "") -> bytes:
    """The document in its format family, as .docx bytes (opens in LibreOffice and Word)."""
    blocks = [Text(text) for text in paragraphs or ["(Nội dung văn bản)"]]
    return compose_docx(Letterhead.of_document(doc), blocks, recipients=recipients, mark=mark)


# ---- marks on downloaded copies of classified documents ----------------------------------

def mark_docx(data: bytes, mark: str) -> bytes:
    """The same .docx with the copy mark as its first paragraph and in every footer."""
    document = Docx(io.BytesIO(data))
    _mark_paragraph(document, mark, first=True)
    for section in document.sections:
        _mark_paragraph(section.footer, mark)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_ODT_FIRST_BLOCK = re.compile(rb"<(?:text:p|text:h|table:table|text:list)[\s>/]")


def mark_odt(data: bytes, mark: str) -> bytes:
    """The same .odt with the copy mark as its first paragraph."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "content.xml":
                start = content.find(b"<office:text")
                found = _ODT_FIRST_BLOCK.search(content, start) if start >= 0 else None
                if found:
                    paragraph = (f"<text:p>{escape(mark)}</text:p>").encode()
                    content = content[:found.start()] + paragraph + content[found.start():]
            target.writestr(info, content)
    return out.getvalue()


def font_file(pattern: str = "DejaVu Sans:style=Bold") -> str | None:
    """The path of a TrueType font with Vietnamese letters, found through fontconfig (None
    when fontconfig or the font is missing)."""
    import shutil
    import subprocess

    fc_match = shutil.which("fc-match")
    if not fc_match:
        return None
    try:
        found = subprocess.run(  # noqa: S603 - fixed arguments
            [fc_match, "-f", "%{file}", pattern], capture_output=True,
            text=True, timeout=10, check=False).stdout.strip()
    except Exception:  # noqa: BLE001 - no usable font: the callers fall back
        return None
    return found if found.lower().endswith(".ttf") else None


def _mark_font():
    """A font with Vietnamese letters for the PDF stamp, found through fontconfig."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DientapMark" in pdfmetrics.getRegisteredFontNames():
        return "DientapMark", True
    found = font_file("DejaVu Sans:style=Bold")
    if found:
        try:
            pdfmetrics.registerFont(TTFont("DientapMark", found))
            return "DientapMark", True
        except Exception:  # noqa: BLE001 - no usable font: fall back to Helvetica below
            return "Helvetica-Bold", False
    return "Helvetica-Bold", False


def mark_pdf(data: bytes, mark: str) -> bytes:
    """Every page stamped at the top and bottom with the copy mark (pypdf + reportlab)."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    from dientap.core.text import fold

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    font, unicode_ok = _mark_font()
    text = mark if unicode_ok else fold(mark).upper()
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        overlay = io.BytesIO()
        c = canvas.Canvas(overlay, pagesize=(width, height))
        c.setFont(font, 9)
        c.setFillColorRGB(0.75, 0, 0)
        c.drawRightString(width - 28, height - 18, text)
        c.drawRightString(width - 28, 12, text)
        c.save()
        page.merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
