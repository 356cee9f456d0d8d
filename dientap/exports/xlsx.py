"""A small .xlsx writer for the registers (openpyxl): typed columns with Vietnamese headers.

``workbook(title, columns, rows, subtitle=...)`` gives the bytes of a workbook with one sheet:
a title row (the exercise's code name and the register's name), an optional subtitle row, the
header row (bold, frozen, with an autofilter) and the rows. Each column declares its type:

- ``text``: a string; a text starting with = + - @ (or a tab / carriage return) is stored as a
  string with Excel's "quote prefix", so that it never becomes a formula (formula injection);
- ``integer``: a whole number ("0");
- ``date``: a real Excel date shown dd/mm/yyyy;
- ``datetime``: a real Excel date and time shown dd/mm/yyyy hh:mm, in the exercise's local
  time (Asia/Ho_Chi_Minh) and without a time zone (Excel has none);
- ``percent``: a fraction (0.25) shown as a percentage ("0%");
- ``money``: whole đồng shown with thousands separators ("#,##0");
- ``boolean``: "Có" / "Không".

Empty values (None, "") give empty cells whatever the type.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# The exercises happen in Vietnam: their times are shown in Vietnam's time.
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

TYPES = ("text", "integer", "date", "datetime", "percent", "money", "boolean")
NUMBER_FORMATS = {
    "text": "@",
    "integer": "0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
    "percent": "0%",
    "money": "#,##0",
    "boolean": "General",
}
DEFAULT_WIDTHS = {"text": 24, "integer": 10, "date": 12, "datetime": 17, "percent": 10,
                  "money": 16, "boolean": 9}
YES, NO = "Có", "Không"
# What makes a spreadsheet program read a text as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    header: str
    type: str = "text"
    width: float | None = None
    wrap: bool = False

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r}; one of {TYPES}")


def sheet_name(text: str) -> str:
    """A valid sheet name: without []:*?/\\, at most 31 characters, not quoted at the ends."""
    name = _SHEET_FORBIDDEN.sub(" ", text or "")
    name = " ".join(name.split())[:SHEET_NAME_MAX].strip().strip("'").strip()
    return name or "Sheet1"


def clean_text(value) -> str:
    text = _ILLEGAL.sub("", str(value))
    return text[:MAX_CELL_TEXT]


def local_naive(value: dt.datetime) -> dt.datetime:
    """An aware datetime in Vietnam's time, without tzinfo (Excel has no time zones)."""
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ)
    return value.replace(tzinfo=None, microsecond=0)


def cell_value(kind: str, value):
    """The Python value written for a value of a column type (None for an empty cell)."""
    if value is None or value == "":
        return None
    if kind == "text":
        return clean_text(value)
    if kind == "boolean":
        return YES if value else NO
    if kind in ("integer", "money"):
        return int(value)
    if kind == "percent":
        return float(value)
    if kind == "datetime":
        if not isinstance(value, dt.datetime):
            raise TypeError(f"a datetime column got {value!r}")
        return local_naive(value)
    if kind == "date":
        if isinstance(value, dt.datetime):
            value = local_naive(value).date()
        if not isinstance(value, dt.date):
            raise TypeError(f"a date column got {value!r}")
        return value
    raise ValueError(kind)


def workbook(title: str, columns: list[Column], rows, *, subtitle: str | None = None,
             sheet: str | None = None) -> bytes:
    """The .xlsx bytes of one sheet: title, subtitle, header (frozen, filtered), rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(sheet or title)
    wb.properties.creator = "dientap"
    wb.properties.title = clean_text(title)[:255]
    last_col = get_column_letter(max(len(columns), 1))

    ws.cell(row=1, column=1, value=clean_text(title)).font = Font(bold=True, size=14)
    ws.row_dimensions[1].height = 22
    if subtitle:
        ws.cell(row=2, column=1, value=clean_text(subtitle)).font = Font(italic=True)
    header_row = 3
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E6E9EF")
    header_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=index, value=clean_text(column.header))
        cell.font, cell.fill, cell.alignment, cell.border = (header_font, header_fill,
                                                             header_align, border)
        width = column.width or DEFAULT_WIDTHS[column.type]
        ws.column_dimensions[get_column_letter(index)].width = width

    aligns = [Alignment(vertical="top", wrap_text=c.wrap or c.type == "text" and
                        (c.width or 0) >= 30) for c in columns]
    formats = [NUMBER_FORMATS[c.type] for c in columns]
    row_index = header_row
    for row in rows:
        row_index += 1
        if len(row) != len(columns):
            raise ValueError(f"row {row_index}: {len(row)} values for {len(columns)} columns")
        for index, (column, raw) in enumerate(zip(columns, row, strict=True)):
            value = cell_value(column.type, raw)
            cell = ws.cell(row=row_index, column=index + 1)
            cell.border = border
            cell.alignment = aligns[index]
            if value is None:
                continue
            cell.value = value
            if column.type in ("text", "boolean"):
                # A string is a string: never a formula, whatever it starts with.
                cell.data_type = "s"
                if value.startswith(FORMULA_START):
                    cell.quotePrefix = True
            else:
                cell.number_format = formats[index]

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{max(row_index, header_row)}"
    # Printing: A4 landscape, one page wide, the header repeated on every page.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

