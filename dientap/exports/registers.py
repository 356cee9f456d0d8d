"""The registers a person can take to Excel, one builder per register.

Each builder reads through the same selectors (and the same query-string filters) as the page
that shows the register, so that a user exports exactly the rows they may see on that page, and
refuses (403) when the page would. Builders run with Vietnamese active (the headers and the
labels printed into the file are the exercise's own Vietnamese), and read a constant number of
queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dientap.accounts.models import Clearance
from dientap.conferences import selectors as conference_selectors
from dientap.conferences.models import Attendance, CompositionEntry, Conference, Holding
from dientap.core.scoping import VIEW
from dientap.documents import selectors as document_selectors
from dientap.documents.models import SECRECY_MARK, Document
from dientap.exercises import selectors as exercise_selectors
from dientap.exercises.models import Round
from dientap.organizations.models import Body
from dientap.oversight import selectors as oversight_selectors
from dientap.oversight import services as oversight_services
from dientap.oversight.models import ChecklistItem, CorrectiveAction, Observation
from dientap.scenarios import selectors as scenario_selectors
from dientap.scenarios import spreadsheet as scenario_spreadsheet
from dientap.scenarios.forms import ListFilterForm

from .xlsx import Column


@dataclass
class Sheet:
    columns: list[Column]
    rows: list[list]
    filters: list[str] = field(default_factory=list)
    # The highest classification of the rows (the file carries its mark).
    classification: int = Clearance.NONE


@dataclass(frozen=True)
class Register:
    key: str
    label: object  # in the user's language (the link on the page)
    vi: str  # the register's Vietnamese name (sheet, title, file name)
    slug: str  # the file name, ASCII
    build: object


def _pick(queryset, raw):
    """An object chosen in the query string, among those offered (else None): as the pages."""
    if not raw or not str(raw).isdigit():
        return None
    return queryset.filter(pk=int(raw)).first()


def _person_post(post) -> str:
    if post is None:
        return ""
    return f"{post.person}, {post.title}" if getattr(post, "person_id", None) else post.title


def _filter(label: str, value) -> str:
    return f"{label}: {value}"


# --- the exercise: frame and committees --------------------------------------------------------

def frame(request, exercise) -> Sheet:
    columns = [
        Column("STT", "integer", 6), Column("Cơ quan, đơn vị", width=36),
        Column("Họ và tên", width=26), Column("Vai tập (chức vụ)", width=30),
        Column("Vai trò trong diễn tập", width=20), Column("Ghi chú", width=30),
    ]
    rows = []
    for group in exercise_selectors.frame_by_body(exercise):
        for entry in group["entries"]:
            rows.append([
                len(rows) + 1, entry.body.name, str(entry.person or ""),
                entry.post.title if entry.post else "", str(entry.get_role_display()),
                entry.notes,
            ])
    return Sheet(columns, rows)


def committees(request, exercise) -> Sheet:
    columns = [
        Column("STT", "integer", 6), Column("Ban", width=34), Column("Loại", width=20),
        Column("Họ và tên", width=26), Column("Chức danh trong ban", width=26),
        Column("Với tư cách", width=36),
    ]
    rows = []
    for committee in exercise_selectors.committees(exercise):
        kind = str(committee.get_kind_display())
        members = list(committee.members.all())
        if not members:
            rows.append([len(rows) + 1, committee.name, kind, "", "", ""])
        for m in members:
            capacity = ""
            if m.post:
                capacity = f"{m.post.title}, {m.post.body}" if m.post.body_id else m.post.title
            rows.append([len(rows) + 1, committee.name, kind, str(m.person), m.position,
                         capacity])
    return Sheet(columns, rows)


# --- conferences, agendas and attendance -------------------------------------------------------

def conferences(request, exercise) -> Sheet:
    columns = [
        Column("STT", "integer", 6), Column("Hội nghị", width=40), Column("Loại", width=16),
        Column("Cơ quan", width=28), Column("Chủ trì", width=30), Column("Thư ký", width=26),
        Column("Địa điểm", width=20), Column("Sản phẩm", width=26),
        Column("Thứ tự", "integer", 8), Column("Nội dung", width=40),
        Column("Phương pháp", width=36), Column("Người trình bày", width=28),
        Column("Cơ quan tham mưu", width=28), Column("Thời lượng (phút)", "integer", 10),
        Column("Văn kiện sử dụng", width=28), Column("Kết quả dự kiến", width=28),
    ]
    qs = (conference_selectors.conference_with_details_qs().restrict(request.user, VIEW)
          .filter(exercise=exercise).order_by("sort_order", "id"))
    rows = []
    for number, c in enumerate(qs, start=1):
        head = [number, c.title, str(c.get_kind_display()), c.body.name,
                _person_post(c.chair_post), _person_post(c.secretary_post), c.location,
                c.output]
        items = list(c.agenda.all())
        if not items:
            rows.append(head + [None, "", "", "", "", None, "", ""])
        for item in items:
            rows.append(head + [
                item.position, item.content, item.method, item.presenter,
                "; ".join(b.name for b in item.advisory_bodies.all()), item.minutes,
                item.documents, item.expected_output,
            ])
    return Sheet(columns, rows)


def attendance(request, exercise) -> Sheet:
    """Every seat of the prescribed composition in every holding the user sees (as the round
    gap report: ``Holding.objects.restrict``), with what was recorded for it."""
    columns = [
        Column("Vòng", width=16), Column("Hội nghị", width=40),
        Column("Bắt đầu", "datetime"), Column("Thành phần", width=30),
        Column("Loại", width=12), Column("Cơ quan", width=26),
        Column("Người được phân công", width=32), Column("Tình trạng", width=20),
        Column("Người dự thay", width=24), Column("Chức vụ người dự thay", width=24),
        Column("Số phút đến muộn", "integer", 10), Column("Ghi chú", width=30),
    ]
    holdings = (Holding.objects.restrict(request.user, VIEW, exercise=exercise)
                .select_related("conference", "round").order_by("starts_at", "id"))
    filters = []
    rounds = Round.objects.restrict(request.user, VIEW, exercise=exercise)
    rnd = _pick(rounds, request.GET.get("round"))
    if rnd is not None:
        holdings = holdings.filter(round=rnd)
        filters.append(_filter("Vòng", rnd))
    holding = _pick(Holding.objects.restrict(request.user, VIEW, exercise=exercise),
                    request.GET.get("holding"))
    if holding is not None:
        holdings = holdings.filter(pk=holding.pk)
        filters.append(_filter("Hội nghị", holding))
    seats = CompositionEntry.objects.select_related("body", "post", "post__person")
    holdings = holdings.prefetch_related(
        Prefetch("conference__composition", queryset=seats),
        Prefetch("attendance", queryset=Attendance.objects.all()))
    rows = []
    for h in holdings:
        records = {a.entry_id: a for a in h.attendance.all()}
        for entry in h.conference.composition.all():
            a = records.get(entry.pk)
            rows.append([
                str(h.round), h.conference.title, h.starts_at, entry.title,
                str(entry.get_kind_display()), entry.body.name if entry.body else "",
                _person_post(entry.post), str(a.get_status_display()) if a else "",
                a.substitute_name if a else "", a.substitute_post if a else "",
                a.late_minutes if a else None, a.note if a else "",
            ])
    return Sheet(columns, rows, filters)


# --- documents -----------------------------------------------------------------------------------

def documents(request, exercise) -> Sheet:
    """The document register, as the register page lists it (same filters, same scope)."""
    columns = [
        Column("STT", "integer", 6), Column("Số, ký hiệu", width=16),
        Column("Ngày ban hành", "date"), Column("Loại văn kiện", width=18),
        Column("Trích yếu", width=48), Column("Cơ quan chủ trì", width=30),
        Column("Người soạn thảo", width=22), Column("Sử dụng tại hội nghị", width=36),
        Column("Hạn hoàn thành", "date"), Column("Bắt buộc", "boolean"),
        Column("Trạng thái", width=18), Column("Quá hạn", "boolean"),
        Column("Độ mật", width=10), Column("Độ khẩn", width=12),
        Column("Số phiên bản", "integer", 10), Column("Ý kiến chưa đóng", "integer", 10),
    ]
    user, get = request.user, request.GET
    filters = []
    status = get.get("status", "")
    if status not in Document.Status.values:
        status = ""
    if status:
        filters.append(_filter("Trạng thái", Document.Status(status).label))
    bodies = Body.objects.restrict(user, VIEW).filter(
        pk__in=Document.objects.filter(exercise=exercise).values("owner_body_id"))
    body = _pick(bodies, get.get("body"))
    if body is not None:
        filters.append(_filter("Cơ quan", body.name))
    conference = _pick(Conference.objects.restrict(user, VIEW, exercise=exercise),
                       get.get("conference"))
    if conference is not None:
        filters.append(_filter("Hội nghị", conference.title))
    q = get.get("q", "").strip()
    if q:
        filters.append(_filter("Tìm", q))
    today = timezone.localdate()
    rows, level = [], Clearance.NONE
    for i, d in enumerate(document_selectors.document_list(
            user, exercise, status=status, body=body, conference=conference, q=q), start=1):
        level = max(level, d.classification)
        rows.append([
            i, d.number_symbol if d.number else "", d.issued_date,
            d.type_print or str(d.get_doc_type_display()), d.title, d.owner_body.name,
            str(d.drafter or ""), "; ".join(c.title for c in d.conferences.all()), d.due_date,
            d.is_required, str(d.get_status_display()), document_selectors.is_overdue(d, today),
            d.secrecy_mark, d.urgency_mark, d.version_count, d.open_comment_count,
        ])
    return Sheet(columns, rows, filters, level)


# --- the scenario ---------------------------------------------------------------------------

def situations(request, exercise) -> Sheet:
    """The situation list as its page shows it (the scenario's staff only; same filters).

    The round-trip file for editing and re-importing stays the scenario's own export
    (``scenarios:export``); this one is the register to read, print and file."""
    user = request.user
    if not scenario_selectors.is_staff(user, exercise) and not scenario_selectors.can_direct(
            user, exercise):
        raise PermissionDenied
    form = ListFilterForm(request.GET or None, exercise=exercise)
    f = form.cleaned_data if form.is_valid() else {}
    order = f.get("order") or "time"
    items = scenario_selectors.situation_list(
        user, exercise, status=f.get("status", ""), body=f.get("body"),
        handling=f.get("handling", ""), q=f.get("q", ""), order=order)
    filters = [_filter(str(form.fields[name].label), _choice_label(form, name, f[name]))
               for name in ("status", "handling", "body", "q") if f.get(name)]
    vi = scenario_spreadsheet
    columns = [
        Column("STT", "integer", 6), Column("Mã", width=10), Column("Thời điểm", width=14),
        Column("Tiêu đề", width=36), Column("Nội dung", width=60, wrap=True),
        Column("Cấp phát", width=14), Column("Nơi phát", width=24),
        Column("Cơ quan nhận", width=36), Column("Phương thức", width=16),
        Column("Yêu cầu xử trí", width=20), Column("Hành động mong đợi", width=40),
        Column("Thời hạn (phút)", "integer", 10), Column("Độ mật", width=10),
        Column("Phát sau", width=10), Column("Trạng thái", width=12),
        Column("Thời điểm phát", "datetime"),
    ]
    rows, level = [], Clearance.NONE
    for s in items:
        level = max(level, s.classification)
        rows.append([
            s.position, s.code, s.time_label, s.title, s.content,
            vi.ISSUER_KIND_VI.get(s.issuer_kind, ""), s.issuer,
            "; ".join(b.name for b in s.receiving_bodies.all()), s.method,
            vi.HANDLING_VI.get(s.handling_kind, ""), s.expected_handling, s.deadline_minutes,
            vi.CLASSIFICATION_VI.get(s.classification, ""),
            s.depends_on.code if s.depends_on_id else "", vi.STATUS_VI.get(s.status, s.status),
            s.issued_at,
        ])
    return Sheet(columns, rows, filters, level)


def _choice_label(form, name, value):
    if hasattr(value, "pk"):
        return str(value)
    return str(dict(form.fields[name].choices).get(value, value)) if hasattr(
        form.fields[name], "choices") else str(value)


# --- oversight: observations, corrective actions, checks, budget --------------------------------

def observations(request, exercise) -> Sheet:
    user, get = request.user, request.GET
    if not oversight_services.is_overseer(user, exercise):
        raise PermissionDenied
    filters = []
    holding = _pick(Holding.objects.restrict(user, exercise=exercise)
                    .select_related("conference", "round"), get.get("holding"))
    if holding is not None:
        filters.append(_filter("Hội nghị", holding))
    kind = get.get("kind", "")
    if kind not in Observation.Kind.values:
        kind = ""
    if kind:
        filters.append(_filter("Loại", Observation.Kind(kind).label))
    body = _pick(oversight_selectors.exercise_bodies(exercise), get.get("body"))
    if body is not None:
        filters.append(_filter("Cơ quan", body.name))
    items = (oversight_selectors.observation_list(user, exercise, holding=holding, body=body,
                                                  kind=kind)
             .select_related("holding__conference__body", "delivery__situation",
                             "delivery__body"))
    columns = [
        Column("STT", "integer", 6), Column("Thời gian", "datetime"),
        Column("Thời điểm kịch bản", width=14), Column("Vòng", width=14),
        Column("Loại", width=14), Column("Nội dung", width=60, wrap=True),
        Column("Về", width=40), Column("Cơ quan", width=28), Column("Người ghi nhận", width=22),
    ]
    rows = []
    for i, o in enumerate(items, start=1):
        about_body = o.body or (o.holding.conference.body if o.holding_id else None)
        rows.append([
            i, o.observed_at, o.scenario_time, str(o.round or ""), str(o.get_kind_display()),
            o.text, str(o.subject or ""), about_body.name if about_body else "",
            str(o.author or ""),
        ])
    return Sheet(columns, rows, filters)


def actions(request, exercise) -> Sheet:
    """The improvement plan: body, action, due date, status (as the actions page)."""
    user, get = request.user, request.GET
    filters = []
    body = _pick(oversight_selectors.exercise_bodies(exercise), get.get("body"))
    if body is not None:
        filters.append(_filter("Cơ quan", body.name))
    rnd = _pick(exercise.rounds.all(), get.get("round"))
    if rnd is not None:
        filters.append(_filter("Vòng", rnd))
    status = get.get("status", "")
    overdue = get.get("overdue") == "1"
    blocking = get.get("blocking") == "1"
    if status == "open":
        filters.append(_filter("Trạng thái", "Chưa hoàn thành"))
    elif status in CorrectiveAction.Status.values:
        filters.append(_filter("Trạng thái", CorrectiveAction.Status(status).label))
    if overdue:
        filters.append("Chỉ nội dung quá hạn")
    if blocking:
        filters.append("Chỉ nội dung chặn vòng sau")
    columns = [
        Column("STT", "integer", 6), Column("Nội dung cần sửa đổi, bổ sung, khắc phục",
                                            width=50, wrap=True),
        Column("Chi tiết", width=36, wrap=True), Column("Cơ quan thực hiện", width=28),
        Column("Phát hiện tại vòng", width=16), Column("Hạn hoàn thành", "date"),
        Column("Chặn vòng sau", "boolean"), Column("Trạng thái", width=16),
        Column("Quá hạn", "boolean"), Column("Hoàn thành lúc", "datetime"),
        Column("Kết quả thực hiện", width=36, wrap=True), Column("Xác nhận lúc", "datetime"),
    ]
    today = timezone.localdate()
    rows = []
    for i, a in enumerate(oversight_selectors.action_list(
            user, exercise, body=body, status=status, overdue=overdue, round=rnd,
            blocking=blocking), start=1):
        rows.append([
            i, a.title, a.description, a.owner_body.name, str(a.round or ""), a.due_date,
            a.blocking, str(a.get_status_display()), a.is_overdue(today), a.done_at,
            a.done_note, a.verified_at,
        ])
    return Sheet(columns, rows, filters)


def _checks_filters(request, exercise):
    body = _pick(oversight_selectors.exercise_bodies(exercise), request.GET.get("body"))
    category = request.GET.get("category", "")
    if category not in ChecklistItem.Category.values:
        category = ""
    return body, category


def checklists(request, exercise) -> Sheet:
    body, category = _checks_filters(request, exercise)
    filters = []
    if body is not None:
        filters.append(_filter("Cơ quan", body.name))
    if category:
        filters.append(_filter("Nhóm", ChecklistItem.Category(category).label))
    columns = [
        Column("STT", "integer", 6), Column("Nhóm", width=20),
        Column("Nội dung", width=44, wrap=True), Column("Cơ quan phụ trách", width=28),
        Column("Vòng", width=14), Column("Hạn", "date"), Column("Trạng thái", width=14),
        Column("Quá hạn", "boolean"), Column("Minh chứng", width=36, wrap=True),
    ]
    today = timezone.localdate()
    rows = []
    for i, item in enumerate(oversight_selectors.checklist(request.user, exercise, body=body,
                                                           category=category), start=1):
        rows.append([
            i, str(item.get_category_display()), item.title, item.owner_body.name,
            str(item.round or ""), item.due_date, str(item.get_status_display()),
            item.is_overdue(today), item.evidence,
        ])
    return Sheet(columns, rows, filters)


def budget(request, exercise) -> Sheet:
    body, _category = _checks_filters(request, exercise)
    filters = [_filter("Cơ quan", body.name)] if body is not None else []
    columns = [
        Column("STT", "integer", 6), Column("Khoản mục", width=44, wrap=True),
        Column("Cơ quan", width=28), Column("Dự toán (đồng)", "money"),
        Column("Thực chi (đồng)", "money"), Column("Chênh lệch (đồng)", "money"),
        Column("Tỷ lệ thực hiện", "percent"), Column("Ghi chú", width=30),
    ]
    data = oversight_selectors.budget(request.user, exercise, body=body)
    rows = []
    for i, line in enumerate(data["lines"], start=1):
        rows.append([
            i, line.title, line.owner_body.name, line.planned, line.actual, line.variance,
            line.actual / line.planned if line.planned else None, line.note,
        ])
    return Sheet(columns, rows, filters)


REGISTERS = {r.key: r for r in [
    Register("frame", _("Exercise frame"), "Khung diễn tập", "khung-dien-tap", frame),
    Register("committees", _("Committees"), "Các ban và thành viên", "cac-ban", committees),
    Register("conferences", _("Conferences and agendas"), "Hội nghị và chương trình",
             "hoi-nghi", conferences),
    Register("attendance", _("Attendance"), "Điểm danh thành phần", "diem-danh", attendance),
    Register("documents", _("Document register"), "Sổ văn kiện", "so-van-kien", documents),
    Register("situations", _("Situations"), "Danh sách tình huống", "tinh-huong", situations),
    Register("observations", _("Observations"), "Nhận xét, ghi nhận", "nhan-xet",
             observations),
    Register("actions", _("Corrective actions"), "Nội dung sửa đổi, bổ sung, khắc phục",
             "khac-phuc", actions),
    Register("checklists", _("Preparation checks"), "Kiểm tra công tác chuẩn bị",
             "kiem-tra-chuan-bi", checklists),
    Register("budget", _("Budget"), "Kinh phí", "kinh-phi", budget),
]}


def secrecy_mark(level: int) -> str:
    return SECRECY_MARK.get(level, "")
