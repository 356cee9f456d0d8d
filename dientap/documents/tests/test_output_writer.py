"""The .docx writer: the body is written as WordprocessingML text (fast for tables of thousands
of rows) and must say exactly what python-docx's objects wrote, cell by cell."""

import io
import zipfile

import pytest
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree
from PIL import Image as PILImage

from dientap.documents import output

HEAD = output.Letterhead(
    format_family="state", issuer="Ủy ban nhân dân tỉnh Tuyên Quang", number_symbol="05/BC-UBND",
    year=2024, secrecy_mark="MẬT", place="Tuyên Quang", title="Về kết quả", type_print="BÁO CÁO",
    issuer_code="UBND", sign_authority="TM.", sign_on_behalf="ỦY BAN NHÂN DÂN",
    sign_title="CHỦ TỊCH", sign_name="Nguyễn Văn A")


def read(data: bytes):
    return Docx(io.BytesIO(data))


def body_tables(document):
    """The data tables (the letterhead and the signature block are tables too)."""
    return document.tables[1:-1]


def png(color="red") -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 20), color).save(out, "PNG")
    return out.getvalue()


def test_table_cells_read_back():
    rows = [["1", "Sở Tư pháp", None, "07/03/2026"],
            ["2", "  spaces kept  ", "", "a & b <c>"],
            ["3", "tab\there", "line\nbreak", "x"]]
    table = output.Table(["STT", "Cơ quan", "Nội dung", "Hạn"], rows, [12, 50, 73, 30],
                         caption="Bảng 1. Thử", aligns="clcr", size=11)
    document = read(output.compose_docx(HEAD, [table], recipients=[]))
    (found,) = body_tables(document)
    cells = [[c.text for c in row.cells] for row in found.rows]
    assert cells == [["STT", "Cơ quan", "Nội dung", "Hạn"],
                     ["1", "Sở Tư pháp", "", "07/03/2026"],
                     ["2", "  spaces kept  ", "", "a & b <c>"],
                     ["3", "tab\there", "line\nbreak", "x"]]
    # The header row: bold, centred, repeated on every page.
    header = found.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    for cell in header.cells:
        (p,) = cell.paragraphs
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER and p.runs[0].bold
    # Body cells: one paragraph each, the column's alignment, not bold, 11 pt Times New Roman.
    aligns = [WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER,
              WD_ALIGN_PARAGRAPH.RIGHT]
    for row in found.rows[1:]:
        for cell, align, width in zip(row.cells, aligns, [12, 50, 73, 30], strict=True):
            (p,) = cell.paragraphs
            assert p.alignment == align
            assert abs(cell.width - Mm(width)) < Mm(0.1)
            for run in p.runs:
                assert run.font.name == "Times New Roman" and run.font.size == Pt(11)
                assert run.bold is False
    # An empty cell has its paragraph and no run, as python-docx wrote it.
    assert found.rows[1].cells[2].paragraphs[0].runs == []
    assert [round(Mm(w).twips) for w in (12, 50, 73, 30)] == [
        int(c.get(qn("w:w"))) for c in found._tbl.tblGrid.iter(qn("w:gridCol"))]
    # The caption above, bold 13 pt.
    caption = next(p for p in document.paragraphs if p.text == "Bảng 1. Thử")
    assert caption.runs[0].bold and caption.runs[0].font.size == Pt(13)


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="3 columns"):
        output.compose_docx(HEAD, [output.Table(["A", "B", "C"], [["1", "2"]])], recipients=[])


def test_characters_xml_cannot_carry_are_left_out():
    document = read(output.compose_docx(HEAD, [output.Text("a\x01b\x0bc"),
                                               output.Table(["A"], [["x\x00y"]])],
                                        recipients=[]))
    texts = [p.text for p in document.paragraphs]
    assert "abc" in texts
    assert body_tables(document)[0].rows[1].cells[0].text == "xy"


def test_large_table_is_complete():
    rows = [[str(i), f"Nội dung {i}"] for i in range(1, 3001)]
    document = read(output.compose_docx(HEAD, [output.Table(["STT", "Nội dung"], rows)],
                                        recipients=[]))
    (found,) = body_tables(document)
    assert len(found.rows) == 3001
    assert [c.text for c in found.rows[-1].cells] == ["3000", "Nội dung 3000"]


def test_pictures_and_copy_mark():
    blocks = [output.Image(png("red"), 150, "Hình 1. Đỏ"), output.Text("Giữa."),
              output.Image(png("blue"), 80)]
    rendered = output.render(HEAD, blocks, recipients=["Bộ Quốc phòng"])
    plain = read(output.package(rendered))
    marked = read(output.package(rendered, mark="MẬT - BẢN SỐ 02 - cấp cho a"))
    for document in (plain, marked):
        assert len(document.inline_shapes) == 2
        assert [round(s.width / 36000) for s in document.inline_shapes] == [150, 80]
        ids = [e.get("id") for e in document.element.body.iter(qn("wp:docPr"))]
        assert ids == ["1", "2"]
    texts = [p.text for p in marked.paragraphs]
    assert texts[0] == "MẬT - BẢN SỐ 02 - cấp cho a"
    assert marked.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert marked.sections[0].footer.paragraphs[-1].text == texts[0]
    assert texts[1:] == [p.text for p in plain.paragraphs]  # the same body, rendered once
    assert "Hình 1. Đỏ" in texts and "- Bộ Quốc phòng;" in [
        p.text for p in marked.tables[-1].rows[0].cells[0].paragraphs]


# ---- what python-docx's objects wrote (the earlier formatter), element for element ------

def _reference_paragraph(container, text="", *, size=14, bold=False, italic=False,
                         underline=False, align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0,
                         first_line_mm=None, color=None, boxed=False):
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(before), Pt(after)
    if first_line_mm is not None:
        p.paragraph_format.first_line_indent = Mm(first_line_mm)
    if text:
        run = p.add_run(text)
        run.font.name = "Times New Roman"
        fonts = run._element.rPr.rFonts
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), "Times New Roman")
        run.font.size = Pt(size)
        run.bold, run.italic, run.underline = bold, italic, underline
        if color is not None:
            run.font.color.rgb = color
        if boxed:
            border = OxmlElement("w:bdr")
            for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "1"),
                               ("w:color", "auto")):
                border.set(qn(key), value)
            run._element.rPr.append(border)
    return p


def _c14n(element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True)


@pytest.mark.parametrize("fmt", [
    {},
    {"size": 13, "bold": True, "before": 4},
    {"size": 12, "italic": True, "after": 6, "align": WD_ALIGN_PARAGRAPH.LEFT},
    {"size": 15, "bold": True, "underline": True},
    {"size": 11, "bold": True, "color": output.MARK_RED, "align": WD_ALIGN_PARAGRAPH.RIGHT},
    {"size": 13, "bold": True, "before": 6, "boxed": True},
    {"bold": True, "first_line_mm": 10, "before": 6, "after": 3},
])
@pytest.mark.parametrize("text", ["Tuyên Quang, ngày 05 tháng 01", " lề ", "a\tb\nc & <d>", ""])
def test_paragraph_xml_is_what_python_docx_wrote(fmt, text):
    reference = Docx()
    expected = _reference_paragraph(reference, text, **fmt)
    written = Docx()
    actual = output._para(written, text, **fmt)
    assert isinstance(actual, Paragraph)
    assert _c14n(actual._p) == _c14n(expected._p)


def test_table_xml_is_what_python_docx_wrote():
    widths = [12, 50, 103]
    reference = Docx()
    table = reference.add_table(rows=1, cols=3)
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"),
                           ("w:color", "auto")):
            edge.set(qn(key), value)
        borders.append(edge)
    tbl_pr.find(qn("w:tblLayout")).addprevious(borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        cell_margin = OxmlElement(f"w:{side}")
        cell_margin.set(qn("w:w"), "40")
        cell_margin.set(qn("w:type"), "dxa")
        margins.append(cell_margin)
    tbl_pr.find(qn("w:tblLook")).addprevious(margins)
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = Mm(width)
        for p in list(cell.paragraphs):
            p._element.getparent().remove(p._element)
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Mm(width)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(table.rows[0].cells, ["STT", "Cơ quan", "Nội dung"], strict=True):
        _reference_paragraph(cell, text, size=11, bold=True)
    for values in (["1", "Sở A", "Làm"], ["2", "", "Xong"]):
        cells = table.add_row().cells
        for cell, width, align, value in zip(cells, widths, "cll", values, strict=True):
            cell.width = Mm(width)
            for p in list(cell.paragraphs):
                p._element.getparent().remove(p._element)
            _reference_paragraph(cell, value, size=11, align={
                "c": WD_ALIGN_PARAGRAPH.CENTER, "l": WD_ALIGN_PARAGRAPH.LEFT}[align])
    block = output.Table(["STT", "Cơ quan", "Nội dung"], [["1", "Sở A", "Làm"],
                                                         ["2", "", "Xong"]], widths, size=11)
    written = output._parse("".join(output._table_block(block)))
    assert _c14n(written[0]) == _c14n(table._tbl)


def test_the_file_holds_one_copy_of_each_part():
    data = output.compose_docx(HEAD, [output.Text("Một.")], recipients=[], mark="M")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) and "word/footer1.xml" in names
