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

import functools
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
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

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
#
# The document's body is written as WordprocessingML text and parsed once: building
# thousands of paragraphs and table cells through python-docx's objects costs seconds (each
# property element is placed by scanning its siblings), writing them as text costs
# milliseconds. Every run keeps its own font, size and weight (what Word shows and what the
# tests read back), exactly as python-docx wrote them.

# Child order of the WordprocessingML property elements we add to (ECMA-376): Word refuses
# ("repairs") a file whose elements are out of order. The writers below follow it.
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
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


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


def _twips_mm(mm: float) -> int:
    return Mm(mm).twips


_JC = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.LEFT: "left",
       WD_ALIGN_PARAGRAPH.RIGHT: "right", WD_ALIGN_PARAGRAPH.JUSTIFY: "both"}
_FONTS_XML = (f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" '
              f'w:eastAsia="{FONT}"/>')
_BOX_XML = '<w:bdr w:val="single" w:sz="8" w:space="1" w:color="auto"/>'
# Characters XML 1.0 cannot carry (python-docx refused them with an error): left out.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAKS = re.compile(r"(\t|\r\n|\r|\n)")


def _text_xml(text: str) -> str:
    """The run content of `text` as python-docx writes it: a tab is <w:tab/>, a line break
    <w:br/>, and a <w:t> keeps its spaces when it starts or ends with one."""
    out = []
    for piece in _BREAKS.split(_NOT_XML.sub("", text)):
        if not piece:
            continue
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r\n", "\r", "\n"):
            out.append("<w:br/>" * (2 if piece == "\r\n" else 1))
        else:
            keep = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "".join(out)


def _rpr_xml(*, size=14, bold=False, italic=False, underline=False, color=None,
             boxed=False) -> str:
    return "".join((
        "<w:rPr>", _FONTS_XML,
        "<w:b/>" if bold else '<w:b w:val="0"/>',
        "<w:i/>" if italic else '<w:i w:val="0"/>',
        f'<w:color w:val="{color}"/>' if color is not None else "",
        f'<w:sz w:val="{int(size * 2)}"/>',
        '<w:u w:val="single"/>' if underline else '<w:u w:val="none"/>',
        _BOX_XML if boxed else "",
        "</w:rPr>"))


def _run_xml(text, **fmt) -> str:
    return f"<w:r>{_rpr_xml(**fmt)}{_text_xml(text)}</w:r>"


def _ppr_xml(*, align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0, first_line_mm=None,
             line_spacing=False) -> str:
    line = ' w:line="276" w:lineRule="auto"' if line_spacing else ""  # 1.15 lines
    indent = (f'<w:ind w:firstLine="{_twips_mm(first_line_mm)}"/>'
              if first_line_mm is not None else "")
    return (f'<w:pPr><w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}"'
            f'{line}/>'
            f'{indent}<w:jc w:val="{_JC[align]}"/></w:pPr>')


def _p_xml(text="", *, size=14, bold=False, italic=False, underline=False,
           align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0, caps=False, color=None,
           first_line_mm=None, boxed=False) -> str:
    """A paragraph with one run (none when `text` is empty)."""
    run = _run_xml(text.upper() if caps else text, size=size, bold=bold, italic=italic,
                   underline=underline, color=color, boxed=boxed) if text else ""
    ppr = _ppr_xml(align=align, before=before, after=after, first_line_mm=first_line_mm)
    return f"<w:p>{ppr}{run}</w:p>"


def _short_line_xml(width_mm, column_mm) -> str:
    """A short horizontal rule centred in a column (the line under the issuing body)."""
    indent = _twips_mm(max(0, (column_mm - width_mm) / 2))
    return ('<w:p><w:pPr><w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="auto"/>'
            '</w:pBdr><w:spacing w:before="60" w:after="0"/>'
            f'<w:ind w:left="{indent}" w:right="{indent}"/></w:pPr>'
            '<w:r><w:rPr><w:sz w:val="4"/></w:rPr></w:r></w:p>')


_BORDERS_XML = "<w:tblBorders>" + "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"


def _table_xml(widths_mm, rows, *, indent_mm=0, borders=False, header_row=False) -> str:
    """A fixed-layout table; `rows` are lists of cells, each cell the XML of its paragraphs.
    The first row is repeated on every page when `header_row`."""
    widths = [_twips_mm(w) for w in widths_mm]
    indent = (f'<w:tblInd w:w="{round(indent_mm * 56.7)}" w:type="dxa"/>'  # dxa: 1/20 pt
              if indent_mm else "")
    out = ['<w:tbl><w:tblPr><w:tblW w:type="auto" w:w="0"/>', indent,
           _BORDERS_XML if borders else "",
           '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="40" w:type="dxa"/>'
           '<w:right w:w="40" w:type="dxa"/></w:tblCellMar><w:tblLook w:firstColumn="1" '
           'w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
           'w:val="04A0"/></w:tblPr><w:tblGrid>',
           *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
    cell_starts = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr>' for w in widths]
    for index, cells in enumerate(rows):
        out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if header_row and index == 0
                   else "<w:tr>")
        for start, content in zip(cell_starts, cells, strict=True):
            out.append(start)
            out.append(content)
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _parse(fragment: str) -> list:
    """The elements of a WordprocessingML fragment (a run of body blocks)."""
    root = parse_xml(f'<w:body xmlns:w="{_W_NS}">{fragment}</w:body>')
    return list(root)


def _para(container, text="", **fmt):
    """A paragraph added to a python-docx container (body, cell, header or footer)."""
    (p,) = _parse(_p_xml(text, **fmt))
    story = getattr(container, "_body", container)  # a Document's paragraphs are its body's
    story._element._insert_p(p)
    return Paragraph(p, story)


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


def _header(head: Letterhead) -> list[str]:
    party = head.format_family == FormatFamily.PARTY
    left, right = [], []
    if head.parent_issuer:
        left.append(_p_xml(head.parent_issuer, size=13, caps=True))
    left.append(_p_xml(head.issuer, size=13, bold=True, caps=True))
    if party:
        left.append(_p_xml("*", size=13))
    else:
        left.append(_short_line_xml(25, LEFT_COL_MM))
    label = "Số " if party else "Số: "
    left.append(_p_xml(label + head.number_symbol, size=13, before=4))
    if head.secrecy_mark:
        left.append(_p_xml(head.secrecy_mark, size=13, bold=True, before=6, boxed=True))
    if head.urgency_mark:
        left.append(_p_xml(head.urgency_mark, size=13, bold=True, before=6, boxed=True))

    if party:
        right.append(_p_xml(PARTY_TITLE, size=15, bold=True, underline=True))
    else:
        right.append(_p_xml(NATIONAL_TITLE, size=12, bold=True))
        right.append(_p_xml(MOTTO, size=13, bold=True, underline=True))
    right.append(_p_xml(place_date(head.place, head.issued_date, head.year), size=14,
                        italic=True, before=12))

    out = [_table_xml([LEFT_COL_MM, RIGHT_COL_MM], [["".join(left), "".join(right)]],
                      indent_mm=HEADER_INDENT_MM)]
    if head.type_print:
        out.append(_p_xml(head.type_print, size=14, bold=True, before=24))
    out.append(_p_xml(head.title, size=14, bold=True, before=0 if head.type_print else 24))
    if party:
        out.append(_p_xml("-----", size=14, after=6))
    else:
        out.append(_short_line_xml(40, TEXT_WIDTH_MM))
    return out


def _text_block(text: str) -> str:
    if text.endswith(":") and text == text.upper() and len(text) <= 40:
        # "QUYẾT ĐỊNH:", "QUYẾT NGHỊ:" stand alone, centred.
        return _p_xml(text, size=14, bold=True, before=6, after=6)
    match = _ARTICLE.match(text)
    if match:
        runs = _run_xml(match.group(1), bold=True) + (
            _run_xml(match.group(2)) if match.group(2) else "")
    else:
        runs = _run_xml(text)
    ppr = _ppr_xml(align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, first_line_mm=10,
                   line_spacing=True)
    return f"<w:p>{ppr}{runs}</w:p>"


_ALIGN = {"c": WD_ALIGN_PARAGRAPH.CENTER, "l": WD_ALIGN_PARAGRAPH.LEFT,
          "r": WD_ALIGN_PARAGRAPH.RIGHT}


def _table_block(block: Table) -> list[str]:
    """The caption, the table (header row repeated on every page) and a small gap. A cell is
    one paragraph: the property elements are the same for the whole column, so they are
    written once per column and only the text changes from row to row."""
    columns = len(block.headers)
    widths = block.widths_mm or [TEXT_WIDTH_MM / columns] * columns
    aligns = (block.aligns or "c" + "l" * (columns - 1)).ljust(columns, "l")
    out = []
    if block.caption:
        out.append(_p_xml(block.caption, size=13, bold=True, before=6, after=3))
    header = [_p_xml(text, size=block.size, bold=True) for text in block.headers]
    # Per column: the paragraph up to the text, and the same paragraph without a run.
    starts, empties = [], []
    for align in aligns[:columns]:
        ppr = _ppr_xml(align=_ALIGN[align])
        starts.append(f"<w:p>{ppr}<w:r>{_rpr_xml(size=block.size)}")
        empties.append(f"<w:p>{ppr}</w:p>")
    end = "</w:r></w:p>"
    rows = [header]
    for values in block.rows:
        if len(values) != columns:
            raise ValueError(f"a row of {len(values)} cells in a table of {columns} columns")
        cells = []
        for start, empty, value in zip(starts, empties, values, strict=True):
            text = "" if value is None else str(value)
            cells.append(f"{start}{_text_xml(text)}{end}" if text else empty)
        rows.append(cells)
    out.append(_table_xml(widths, rows, borders=True, header_row=True))
    out.append(_p_xml("", size=6))
    return out


def _image_block(block: Image) -> list[str]:
    # The picture itself (w:inline) is added when the document is assembled: it needs the
    # image part and its relationship.
    out = ["<w:p>", _ppr_xml(before=6), "<w:r><w:drawing/></w:r></w:p>"]
    if block.caption:
        out.append(_p_xml(block.caption, size=12, italic=True, after=6))
    return out


def _body(blocks) -> tuple[list[str], list[Image]]:
    out, images = [], []
    for block in blocks:
        if isinstance(block, str):
            block = Text(block)
        if isinstance(block, Text):
            out.append(_text_block(block.text))
        elif isinstance(block, Heading):
            out.append(_p_xml(block.text, size=14, bold=True, italic=block.level > 1,
                              align=WD_ALIGN_PARAGRAPH.LEFT, before=6, after=3,
                              first_line_mm=10))
        elif isinstance(block, Table):
            out += _table_block(block)
        elif isinstance(block, Image):
            out += _image_block(block)
            images.append(block)
        else:  # pragma: no cover - programming error
            raise TypeError(f"unknown block {block!r}")
    return out, images


def _footer(head: Letterhead, recipients: list[str]) -> list[str]:
    party = head.format_family == FormatFamily.PARTY
    where = [_p_xml("Nơi nhận:", size=12, bold=True, italic=True, before=12,
                    align=WD_ALIGN_PARAGRAPH.LEFT)]
    for name in recipients:
        where.append(_p_xml(f"- {name};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT))
    archive = "Lưu: VT" + (f", {head.issuer_code}" if head.issuer_code else "") + "."
    where.append(_p_xml(f"- {archive}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT))

    sign = []
    authority = head.sign_authority
    if party:
        authority = _PARTY_AUTHORITY.get(authority, authority)
    if authority and head.sign_on_behalf:
        sign.append(_p_xml(f"{authority} {head.sign_on_behalf}", size=14, bold=True,
                           caps=True, before=12))
        sign.append(_p_xml(head.sign_title, size=14, bold=True, caps=True))
    else:
        prefix = f"{authority} " if authority and authority != Authority.OWN else ""
        sign.append(_p_xml(prefix + (head.sign_title or ""), size=14, bold=True, caps=True,
                           before=12))
    sign += [_p_xml("", size=14)] * 4
    sign.append(_p_xml(head.sign_name, size=14, bold=True))
    return [_table_xml([80, TEXT_WIDTH_MM - 80], [["".join(where), "".join(sign)]])]


@dataclass(frozen=True)
class Rendered:
    """A document's body as WordprocessingML (its pictures apart): what `compose_docx`
    renders once and `package` turns into a file, with or without a copy mark."""

    body: str
    images: tuple[Image, ...]


def render(head: Letterhead, blocks, *, recipients: list[str]) -> Rendered:
    """Header, `blocks` and footer of a document in its format family."""
    body, images = _body(blocks)
    return Rendered("".join([*_header(head), *body, *_footer(head, recipients)]),
                    tuple(images))


def _inline(document, image: Image, shape_id: int):
    """The picture as python-docx's `add_picture` makes it (image part, relationship)."""
    from docx.oxml.shape import CT_Inline

    r_id, picture = document.part.get_or_add_image(io.BytesIO(image.data))
    cx, cy = picture.scaled_dimensions(Mm(image.width_mm), None)
    return CT_Inline.new_pic_inline(shape_id, r_id, picture.filename, cx, cy)


@functools.cache
def _template() -> tuple[bytes, str]:
    """python-docx's blank document with the page and the Normal style set up: the file, and
    its main part's XML."""
    document = Docx()
    _setup(document)
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(out) as archive:
        return out.getvalue(), archive.read("word/document.xml").decode()


_BODY_START = re.compile(r"<w:body(?:\s[^>]*)?>")


def package(rendered: Rendered, *, mark: str = "") -> bytes:
    """The .docx file of a rendered document; `mark` (a copy mark) goes first and in the
    footer. The body is put into the blank document's XML as text and the file opened once
    (moving a large parsed tree into another document costs lxml seconds)."""
    blank, main_xml = _template()
    at = _BODY_START.search(main_xml).end()
    source = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blank)) as archive, \
            zipfile.ZipFile(source, "w", zipfile.ZIP_STORED) as target:
        for info in archive.infolist():
            if info.filename == "word/document.xml":
                target.writestr(info.filename, main_xml[:at] + rendered.body + main_xml[at:])
            else:
                target.writestr(info.filename, archive.read(info))
    document = Docx(source)
    if mark:  # (the footer's part before the pictures: the relationship ids as before)
        _mark_paragraph(document.sections[0].footer, mark)
    drawings = [d for d in document.element.body.iter(qn("w:drawing")) if not len(d)]
    for shape_id, (drawing, image) in enumerate(zip(drawings, rendered.images, strict=True),
                                                start=1):
        drawing.append(_inline(document, image, shape_id))
    if mark:
        _mark_paragraph(document, mark, first=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def compose_docx(head: Letterhead, blocks, *, recipients: list[str], mark: str = "") -> bytes:
    """A document in its format family: header, `blocks`, footer, as .docx bytes."""
    return package(render(head, blocks, recipients=recipients), mark=mark)


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
