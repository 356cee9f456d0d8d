"""The xlsx writer on its own: types, formats, the guard against formulas, sheet names."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dientap.exports import xlsx
from dientap.exports.xlsx import Column

COLUMNS = [Column("Tiêu đề", width=40), Column("Số", "integer"), Column("Ngày", "date"),
           Column("Lúc", "datetime"), Column("Tiền", "money"), Column("Tỷ lệ", "percent"),
           Column("Bắt buộc", "boolean")]


def sheet(rows, **kw):
    return load_workbook(io.BytesIO(xlsx.workbook("TQ-23 – Thử", COLUMNS, rows, **kw))).active


def test_layout_title_subtitle_header_frozen_filtered():
    ws = sheet([["a", 1, None, None, None, None, True]] * 3, subtitle="Diễn tập TQ-23")
    assert ws["A1"].value == "TQ-23 – Thử" and ws["A1"].font.b
    assert ws["A2"].value == "Diễn tập TQ-23"
    assert [c.value for c in ws[3]] == [c.header for c in COLUMNS]
    assert all(c.font.b for c in ws[3])
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:G6"
    assert ws.column_dimensions["A"].width == 40
    assert ws.page_setup.orientation == "landscape"


def test_types_and_formats():
    utc = dt.datetime(2023, 9, 19, 1, 30, tzinfo=dt.UTC)
    ws = sheet([["x", 7, dt.date(2023, 9, 19), utc, 1_234_567, 0.25, False]])
    text, number, date, when, money, rate, flag = ws[4]
    assert number.value == 7 and number.data_type == "n" and number.number_format == "0"
    assert date.is_date and date.value.date() == dt.date(2023, 9, 19)
    assert date.number_format == "dd/mm/yyyy"
    # 01:30 UTC is 08:30 in Vietnam; stored without a time zone.
    assert when.value.isoformat() == "2023-09-19T08:30:00"
    assert when.number_format == "dd/mm/yyyy hh:mm"
    assert money.value == 1_234_567 and money.number_format == "#,##0"
    assert rate.value == 0.25 and rate.number_format == "0%"
    assert flag.value == "Không"
    assert sheet([["x", None, None, None, None, None, True]])["G4"].value == "Có"


def test_empty_values_are_empty_cells():
    ws = sheet([["", None, None, None, None, None, None]])
    assert all(c.value is None for c in ws[4])


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)",
                                  "=1+1"])
def test_text_never_becomes_a_formula(text):
    cell = sheet([[text, None, None, None, None, None, None]])["A4"]
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_plain_text_has_no_quote_prefix_and_control_characters_are_dropped():
    cell = sheet([["Kế hoạch\x01 số 1\nlần 2", None, None, None, None, None, None]])["A4"]
    assert cell.value == "Kế hoạch số 1\nlần 2"
    assert not cell.quotePrefix


@pytest.mark.parametrize(("raw", "name"), [
    ("Sổ văn kiện", "Sổ văn kiện"),
    ("A/B:C*D?E[F]G\\H", "A B C D E F G H"),
    ("x" * 40, "x" * 31),
    ("'quoted'", "quoted"),
    ("[]", "Sheet1"),
])
def test_sheet_names(raw, name):
    assert xlsx.sheet_name(raw) == name


def test_bad_rows_and_columns_are_refused():
    with pytest.raises(ValueError, match="column type"):
        Column("x", "float")
    with pytest.raises(ValueError, match="values for"):
        xlsx.workbook("t", COLUMNS, [["only one"]])
    with pytest.raises(TypeError):
        xlsx.workbook("t", [Column("d", "datetime")], [[dt.date(2023, 1, 1)]])
