"""Spreadsheet round-trip of the scenario (.xlsx, openpyxl).

Export writes one row per situation under Vietnamese headers (the file is the exercise's own
document, like the printed documents). Import reads such a file, or an HSEEP MSEL (number,
time, from, to, method, inject, expected action) through a column mapping the user chooses,
checks every row and lists every problem by row and column; nothing is imported until the
rows to import are clean. The import creates the chosen rows in one batch through the
scenario's services (``services.situations_create_many``, the rules of
``situation_create`` for many situations at once): a 5,000-row file takes a few queries, not
a few per row. The workbook is read as a stream (openpyxl's read-only mode); a file of more
than ``MAX_ROWS`` situation rows is refused.
"""

from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dientap.accounts.models import Clearance
from dientap.core.text import fold, initials
from dientap.exercises.models import Exercise
from dientap.organizations.models import Body

from . import scenario_time, services
from .models import Handling, Situation

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000  # situation rows of one file (the header row not counted)

# (field, label in the user's language, Vietnamese header written on export, other headers
# recognised on import (folded), required)
FIELDS = [
    ("code", gettext_lazy("Code / number"), "Mã", ["ma", "ma tinh huong", "so", "stt", "number",
                                                    "no", "#", "inject number", "code"], True),
    ("time", gettext_lazy("Scenario time"), "Thời điểm", ["thoi diem", "thoi gian", "time",
                                                          "scenario time"], True),
    ("title", gettext_lazy("Title"), "Tiêu đề", ["tieu de", "title", "inject title"], False),
    ("content", gettext_lazy("Content (inject)"), "Nội dung", ["noi dung", "inject",
                                                               "description", "content"], True),
    ("issuer_kind", gettext_lazy("Issued by (kind)"), "Cấp phát", ["cap phat", "issuer kind"],
     False),
    ("issuer", gettext_lazy("From"), "Nơi phát", ["noi phat", "from", "issuer"], False),
    ("bodies", gettext_lazy("To (receiving bodies)"), "Cơ quan nhận", ["co quan nhan", "noi nhan",
                                                                       "to", "recipients"], True),
    ("method", gettext_lazy("Method"), "Phương thức", ["phuong thuc", "method"], False),
    ("handling_kind", gettext_lazy("Expected handling (kind)"), "Yêu cầu xử trí",
     ["yeu cau xu tri", "handling"], False),
    ("expected", gettext_lazy("Expected action"), "Hành động mong đợi",
     ["hanh dong mong doi", "expected action", "expected player action"], False),
    ("deadline", gettext_lazy("Deadline (minutes)"), "Thời hạn (phút)",
     ["thoi han (phut)", "thoi han", "deadline"], False),
    ("classification", gettext_lazy("Classification"), "Độ mật", ["do mat", "classification"],
     False),
    ("depends_on", gettext_lazy("Issued after"), "Phát sau", ["phat sau", "depends on",
                                                              "after"], False),
]
FIELD_KEYS = [f[0] for f in FIELDS]
EXPORT_ONLY = ["Trạng thái", "Thời điểm phát"]

ISSUER_KIND_VI = {Situation.IssuerKind.HIGHER_LEVEL: "Cấp trên",
                  Situation.IssuerKind.DIRECTOR: "Đạo diễn",
                  Situation.IssuerKind.SIMULATED: "Vai giả định"}
HANDLING_VI = {Handling.ADVISE: "Tham mưu, đề xuất", Handling.CONVENE: "Triệu tập hội nghị",
               Handling.DECIDE: "Quyết định", Handling.ORDER: "Ra lệnh",
               Handling.REPORT: "Báo cáo cấp trên"}
CLASSIFICATION_VI = {0: "", 1: "Mật", 2: "Tối mật", 3: "Tuyệt mật"}
STATUS_VI = {"scheduled": "Chờ phát", "held": "Tạm giữ", "issued": "Đã phát",
             "skipped": "Bỏ qua"}


def _lookup(mapping: dict, extra: dict) -> dict:
    table = {fold(v): k for k, v in mapping.items() if v}
    table.update({fold(str(k)): k for k in mapping})
    table.update(extra)
    return table


ISSUER_KINDS = _lookup(ISSUER_KIND_VI, {"higher level": "higher_level", "cap tren": "higher_level",
                                        "dao dien": "director", "gia dinh": "simulated",
                                        "simulated actor": "simulated"})
HANDLINGS = _lookup(HANDLING_VI, {"tham muu": "advise", "de xuat": "advise", "advise": "advise",
                                  "trieu tap": "convene", "convene": "convene",
                                  "quyet dinh": "decide", "decide": "decide",
                                  "ra lenh": "order", "menh lenh": "order", "order": "order",
                                  "bao cao": "report", "report": "report", "report up": "report"})
CLASSIFICATIONS = {"": 0, "0": 0, "1": 1, "2": 2, "3": 3, "mat": 1, "toi mat": 2,
                   "tuyet mat": 3, "khong mat": 0, "confidential": 1, "secret": 2,
                   "top secret": 3, "unclassified": 0}


# --- export ----------------------------------------------------------------------------------

def export(situations, clock=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Tình huống"
    headers = [f[2] for f in FIELDS] + EXPORT_ONLY
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    tz = timezone.get_current_timezone()
    for s in situations:
        issued = timezone.localtime(s.issued_at, tz).replace(tzinfo=None) if s.issued_at else None
        ws.append([
            s.code, s.time_label, s.title, s.content, ISSUER_KIND_VI[s.issuer_kind], s.issuer,
            "; ".join(b.name for b in s.receiving_bodies.all()), s.method,
            HANDLING_VI[s.handling_kind], s.expected_handling, s.deadline_minutes,
            CLASSIFICATION_VI.get(s.classification, ""),
            s.depends_on.code if s.depends_on_id else "", STATUS_VI.get(s.status, s.status),
            issued,
        ])
    widths = [10, 14, 40, 60, 14, 28, 40, 18, 22, 40, 12, 10, 10, 12, 18]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        row[10].number_format = "0"
        row[14].number_format = "dd/mm/yyyy hh:mm"
        for cell in (row[2], row[3], row[9]):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in (row[0], row[1]):
            cell.number_format = "@"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading a file ------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return str(value).strip()


def read(upload) -> tuple[list[str], list[list[str]]]:
    """(headers, rows of cell texts) of the first sheet; ValidationError for a bad file."""
    from openpyxl import load_workbook

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The file is too large (at most {mb} MB).").format(
            mb=MAX_BYTES // (1024 * 1024)))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is too large (at most {mb} MB).").format(
            mb=MAX_BYTES // (1024 * 1024)))
    if not data:
        raise ValidationError(_("The file is empty."))
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(_("This is not an Excel workbook (.xlsx). Save the sheet as "
                                "“Excel Workbook (.xlsx)” and try again."))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        # Rows as they are in the file, whatever size the sheet claims (a wrong <dimension>
        # would cut rows off, or widen every row to the claimed last column).
        ws.reset_dimensions()
        rows = []
        try:
            for values in ws.iter_rows(values_only=True):
                row = [_cell_text(v) for v in values]
                if not any(row):
                    continue  # blank lines (and formatted but empty ones) do not count
                rows.append(row)
                if len(rows) > MAX_ROWS + 1:  # the header and MAX_ROWS situations
                    raise ValidationError(_(
                        "The file has more than {n} situation rows: split it into files of "
                        "at most {n} rows and import them one after the other.").format(
                        n=formats.number_format(MAX_ROWS, force_grouping=True)))
        finally:
            wb.close()
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError,
            AttributeError) as exc:
        raise ValidationError(_("The file could not be read: it is damaged or not an .xlsx "
                                "workbook.")) from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file to the user
        raise ValidationError(_("The file could not be read: it is damaged or not an .xlsx "
                                "workbook.")) from exc
    if not rows:
        raise ValidationError(_("The sheet is empty."))
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return rows[0], rows[1:]


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """field → column index, from the headers (ours, HSEEP's, or close to them)."""
    folded = [fold(h) for h in headers]
    mapping: dict[str, int | None] = {}
    for key, _label, vi, aliases, _required in FIELDS:
        names = {fold(vi), *aliases}
        mapping[key] = next((i for i, h in enumerate(folded) if h in names), None)
    return mapping


def column_name(headers, index) -> str:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(index + 1)
    header = headers[index] if index < len(headers) else ""
    return f"{letter} ({header})" if header else letter


# --- checking rows -------------------------------------------------------------------------

@dataclass
class Row:
    number: int  # the row number in the sheet (headers are row 1)
    values: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class BodyIndex:
    """Every body by its folded name, short name and initials (a body of the exercise's frame
    wins over a homonym elsewhere); names found once are remembered (a 5,000-row file names
    the same few bodies again and again)."""

    def __init__(self, exercise: Exercise):
        self.frame = services.frame_body_ids(exercise)
        self.names: dict[str, int] = {}
        self.rows: dict[int, tuple[str, str]] = {}
        for pk, name, short_name in Body.objects.values_list("pk", "name", "short_name"):
            self.rows[pk] = (name, short_name)
            for key in (fold(name), fold(short_name), initials(name)):
                if key and (key not in self.names or pk in self.frame):
                    self.names[key] = pk
        self.bodies = Body.objects.in_bulk(self.frame)  # the ones an import may use
        self.found: dict[str, Body | None] = {}

    def find(self, text: str) -> Body | None:
        if text not in self.found:
            pk = self.names.get(fold(text))
            body = None if pk is None else self.bodies.get(pk)
            if pk is not None and body is None:  # outside the frame: named in a problem only
                name, short_name = self.rows[pk]
                body = Body(pk=pk, name=name, short_name=short_name)
            self.found[text] = body
        return self.found[text]


def _split_bodies(text: str) -> list[str]:
    for sep in ("\n", ",", "+"):
        text = text.replace(sep, ";")
    return [p.strip() for p in text.split(";") if p.strip()]


def check(exercise: Exercise, headers, rows, mapping) -> list[Row]:
    """Every row with its cleaned data and every problem found (by row and column)."""
    bodies = BodyIndex(exercise)
    fold_kind = functools.lru_cache(maxsize=1024)(fold)  # the same few values on every row
    existing = set(Situation.objects.filter(exercise=exercise).values_list("code", flat=True))
    field_labels = {f[0]: f[1] for f in FIELDS}
    results, seen_codes = [], {}
    for n, raw in enumerate(rows, start=2):
        row = Row(number=n)
        values = {k: (raw[i] if i is not None and i < len(raw) else "")
                  for k, i in mapping.items()}
        row.values = values

        def problem(key, message, row=row):
            index = mapping.get(key)
            where = column_name(headers, index) if index is not None else str(field_labels[key])
            row.problems.append((where, str(message)))

        code = values.get("code", "")
        if not code:
            problem("code", _("Missing code."))
        elif code in existing:
            problem("code", _("Duplicate code: {code} already exists in this scenario.").format(
                code=code))
        elif code in seen_codes:
            problem("code", _("Duplicate code: {code} is also on row {row}.").format(
                code=code, row=seen_codes[code]))
        else:
            seen_codes[code] = n
        try:
            when = scenario_time.parse(values.get("time", ""))
            row.data.update(scenario_minutes=when.minutes, g_relative=when.g_relative)
        except ValidationError as exc:
            problem("time", " ".join(exc.messages))
        content = values.get("content", "")
        if not content:
            problem("content", _("Missing content."))
        title = values.get("title", "") or content.split("\n")[0][:120]
        row.data.update(code=code[:30], title=title[:300], content=content,
                        issuer=values.get("issuer", "")[:200],
                        method=values.get("method", "")[:200],
                        expected_handling=values.get("expected", ""))
        kind = fold_kind(values.get("issuer_kind", ""))
        if kind and kind not in ISSUER_KINDS:
            problem("issuer_kind", _("Unknown issuer kind “{value}”.").format(
                value=values["issuer_kind"]))
        row.data["issuer_kind"] = ISSUER_KINDS.get(kind, Situation.IssuerKind.DIRECTOR) \
            if kind else (Situation.IssuerKind.HIGHER_LEVEL if values.get("issuer")
                          else Situation.IssuerKind.DIRECTOR)
        handling = fold_kind(values.get("handling_kind", ""))
        if handling and handling not in HANDLINGS:
            problem("handling_kind", _("Unknown handling “{value}”.").format(
                value=values["handling_kind"]))
        row.data["handling_kind"] = HANDLINGS.get(handling, Handling.ADVISE)
        deadline = values.get("deadline", "")
        if deadline:
            if deadline.isdigit():
                row.data["deadline_minutes"] = int(deadline)
            else:
                problem("deadline", _("The deadline must be a whole number of minutes."))
        level = fold_kind(values.get("classification", ""))
        if level in CLASSIFICATIONS:
            row.data["classification"] = CLASSIFICATIONS[level]
        else:
            problem("classification", _("Unknown classification “{value}”.").format(
                value=values["classification"]))
        found = []
        names = _split_bodies(values.get("bodies", ""))
        if not names:
            problem("bodies", _("No receiving body."))
        for name in names:
            body = bodies.find(name)
            if body is None:
                problem("bodies", _("Unknown body “{name}”.").format(name=name))
            elif body.pk not in bodies.frame:
                problem("bodies", _("“{name}” is not in the frame of this exercise.").format(
                    name=name))
            else:
                found.append(body)
        row.data["receiving_bodies"] = found
        row.data["depends_on_code"] = values.get("depends_on", "")
        results.append(row)
    _check_dependencies(existing, results, mapping, headers)
    return results


def _check_dependencies(existing: set, results: list[Row], mapping, headers) -> None:
    by_code = {r.data["code"]: r for r in results if r.data.get("code")}
    index = mapping.get("depends_on")
    where = column_name(headers, index) if index is not None else ""
    for row in results:
        dep = row.data.get("depends_on_code")
        if not dep:
            continue
        if dep == row.data.get("code"):
            row.problems.append((where, _("A situation cannot depend on itself.")))
        elif dep not in by_code and dep not in existing:
            row.problems.append((where, _("Unknown situation “{code}” in “issued after”.")
                                 .format(code=dep)))
    # Cycles through the file's own rows, found in one pass over the chains (a file of
    # thousands of chained rows stays quick). Each row on a cycle is reported with the cycle
    # from itself back to itself; a row only waiting for a cycle is not.
    on_cycle = services.dependency_cycles({
        code: r.data["depends_on_code"] for code, r in by_code.items()
        if r.data.get("depends_on_code") in by_code and r.data["depends_on_code"] != code})
    for row in results:
        code = row.data.get("code")
        if code not in on_cycle or by_code.get(code) is not row:
            continue
        seen, nxt = [], row.data["depends_on_code"]
        while nxt != code:
            seen.append(nxt)
            nxt = by_code[nxt].data["depends_on_code"]
        row.problems.append((where, _("Dependency cycle: {path}.").format(
            path=" → ".join([code, *seen, code]))))


@transaction.atomic
def import_rows(exercise: Exercise, results: list[Row], numbers, *, acting_user) -> list:
    """Create the chosen rows (all clean) in one batch, in the file's order; all or nothing."""
    services.require_change(acting_user, exercise)
    wanted = set(numbers)
    chosen = [r for r in results if r.number in wanted]
    if not chosen:
        raise ValidationError(_("Choose at least one row to import."))
    bad = [str(r.number) for r in chosen if not r.ok]
    if bad:
        raise ValidationError(_("Rows with problems cannot be imported: {rows}.").format(
            rows=", ".join(bad)))
    return services.situations_create_many(exercise, [r.data for r in chosen],
                                           acting_user=acting_user,
                                           labels=[r.number for r in chosen])


def rows_from_session(data: dict) -> tuple[list[str], list[list[str]]]:
    return data["headers"], data["rows"]


def classification_choices():
    return Clearance.choices
