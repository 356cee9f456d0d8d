"""Spreadsheet round-trip of the scenario (.xlsx, openpyxl).

Export writes one row per situation under Vietnamese headers (the file is the exercise's own
document, like the printed documents). Import reads such a file, or an HSEEP MSEL (number,
time, from, to, method, inject, expected action) through a column mapping the user chooses,
checks every row and lists every problem by row and column; nothing is imported until the
rows to import are clean. The import creates the situations through the same service as the
web form (``services.situation_create``).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dientap.accounts.models import Clearance
from dientap.core.text import fold, initials
from dientap.exercises.models import Exercise
from dientap.organizations.models import Body

from . import scenario_time, services
from .models import Handling, Situation

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000

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
        rows = []
        for values in ws.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS + 1:
                raise ValidationError(_("The file has more than {n} rows.").format(n=MAX_ROWS))
            rows.append([_cell_text(v) for v in values])
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
    rows = [r for r in rows if any(c for c in r)]
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
    def __init__(self, exercise: Exercise):
        self.frame = services.frame_body_ids(exercise)
        self.names: dict[str, Body] = {}
        for body in Body.objects.all():
            for key in (fold(body.name), fold(body.short_name), initials(body.name)):
                # A body of the exercise's frame wins over a homonym elsewhere.
                if key and (key not in self.names or body.pk in self.frame):
                    self.names[key] = body

    def find(self, text: str) -> Body | None:
        return self.names.get(fold(text))


def _split_bodies(text: str) -> list[str]:
    for sep in ("\n", ",", "+"):
        text = text.replace(sep, ";")
    return [p.strip() for p in text.split(";") if p.strip()]


def check(exercise: Exercise, headers, rows, mapping) -> list[Row]:
    """Every row with its cleaned data and every problem found (by row and column)."""
    bodies = BodyIndex(exercise)
    existing = set(Situation.objects.filter(exercise=exercise).values_list("code", flat=True))
    results, seen_codes = [], {}
    for n, raw in enumerate(rows, start=2):
        row = Row(number=n)
        values = {k: (raw[i] if i is not None and i < len(raw) else "")
                  for k, i in mapping.items()}
        row.values = values

        def problem(key, message, row=row):
            index = mapping.get(key)
            where = column_name(headers, index) if index is not None else str(
                {f[0]: f[1] for f in FIELDS}[key])
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
        kind = fold(values.get("issuer_kind", ""))
        if kind and kind not in ISSUER_KINDS:
            problem("issuer_kind", _("Unknown issuer kind “{value}”.").format(
                value=values["issuer_kind"]))
        row.data["issuer_kind"] = ISSUER_KINDS.get(kind, Situation.IssuerKind.DIRECTOR) \
            if kind else (Situation.IssuerKind.HIGHER_LEVEL if values.get("issuer")
                          else Situation.IssuerKind.DIRECTOR)
        handling = fold(values.get("handling_kind", ""))
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
        level = fold(values.get("classification", ""))
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
    _check_dependencies(exercise, results, mapping, headers)
    return results


def _check_dependencies(exercise, results: list[Row], mapping, headers) -> None:
    by_code = {r.data["code"]: r for r in results if r.data.get("code")}
    existing = set(Situation.objects.filter(exercise=exercise).values_list("code", flat=True))
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
    for row in results:  # cycles through the file's own rows
        seen, code = [], row.data.get("code")
        current = row
        while current is not None and current.data.get("depends_on_code"):
            nxt = current.data["depends_on_code"]
            if nxt == code and len(seen) > 0:
                row.problems.append((where, _("Dependency cycle: {path}.").format(
                    path=" → ".join([code, *seen, code]))))
                break
            if nxt in seen or nxt == current.data.get("code"):
                break
            seen.append(nxt)
            current = by_code.get(nxt)


@transaction.atomic
def import_rows(exercise: Exercise, results: list[Row], numbers, *, acting_user) -> list:
    """Create the chosen rows (all clean); in dependency order; all or nothing."""
    services.require_change(acting_user, exercise)
    chosen = [r for r in results if r.number in set(numbers)]
    if not chosen:
        raise ValidationError(_("Choose at least one row to import."))
    bad = [str(r.number) for r in chosen if not r.ok]
    if bad:
        raise ValidationError(_("Rows with problems cannot be imported: {rows}.").format(
            rows=", ".join(bad)))
    codes = {r.data["code"] for r in chosen}
    for r in chosen:
        dep = r.data.get("depends_on_code")
        if dep and dep not in codes and not Situation.objects.filter(
                exercise=exercise, code=dep).exists():
            raise ValidationError(_("Row {row} depends on {code}, which is not imported.")
                                  .format(row=r.number, code=dep))
    created: dict[str, Situation] = {}
    pending = list(chosen)
    while pending:
        progress = False
        for r in list(pending):
            dep = r.data.get("depends_on_code")
            if dep and dep in codes and dep not in created:
                continue
            data = {k: v for k, v in r.data.items() if k != "depends_on_code"}
            if dep:
                data["depends_on"] = created.get(dep) or Situation.objects.get(
                    exercise=exercise, code=dep)
            try:
                created[r.data["code"]] = services.situation_create(
                    exercise, acting_user=acting_user, **data)
            except PermissionDenied:
                raise
            except ValidationError as exc:
                raise ValidationError(_("Row {row}: {error}").format(
                    row=r.number, error=" ".join(exc.messages))) from exc
            pending.remove(r)
            progress = True
        if not progress:  # pragma: no cover - cycles are refused by check()
            raise ValidationError(_("Dependency cycle between the chosen rows."))
    return list(created.values())


def rows_from_session(data: dict) -> tuple[list[str], list[list[str]]]:
    return data["headers"], data["rows"]


def classification_choices():
    return Clearance.choices
