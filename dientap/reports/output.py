"""A report as a Decree 30 document of its issuing body: the documents' formatter (header,
footer, format family) wrapped around the report's sections, tables and charts."""

import dataclasses
import threading
from collections import OrderedDict

from django.utils import timezone

from dientap.documents import output as doc_output
from dientap.documents import services as doc_services
from dientap.documents.models import FormatFamily

from . import charts
from .models import Report
from .text import (
    ACTION_STATUS,
    OBSERVATION_KINDS,
    attendance_counts,
    number,
    observations_by_body,
    situation_round,
    summarised,
    two,
)

HEADINGS = {
    "overview": "I. KHÁI QUÁT CHUNG",
    "conduct": "II. KẾT QUẢ THỰC HIỆN",
    "strengths": "III. ƯU ĐIỂM",
    "shortcomings": "IV. HẠN CHẾ, KHUYẾT ĐIỂM",
    "conclusion": "V. KẾT LUẬN VÀ ĐỀ XUẤT",
}
PLAN_HEADERS = ["STT", "Cơ quan", "Nội dung khắc phục", "Hạn", "Trạng thái"]
PLAN_SUMMARY_HEADERS = ["STT", "Cơ quan", "Số nội dung", "Đã hoàn thành", "Chưa hoàn thành",
                        "Quá hạn"]
DONE = ("done", "verified")
_W = doc_output.TEXT_WIDTH_MM  # 165 mm


def _lines(text: str) -> list:
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            out.append(doc_output.Text(line))
    return out


def _by_round(items, label_of) -> dict[str, list]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(label_of(item), []).append(item)
    return groups


def attendance_table(data) -> doc_output.Table:
    caption = "Bảng 1. Thành phần dự hội nghị, kỳ họp so với thành phần quy định"
    if summarised(data, data["holdings"]):
        rows, totals = [], [0] * 6
        for i, (label, hs) in enumerate(
                _by_round(data["holdings"], lambda h: h["round"]).items(), start=1):
            counts = attendance_counts(hs)
            totals = [t + n for t, n in zip(totals, counts, strict=True)]
            rows.append([str(i), label, *(two(n) for n in counts)])
        rows.append(["", "Cộng", *(two(n) for n in totals)])
        return doc_output.Table(
            ["STT", "Bước", "Hội nghị, kỳ họp", "Quy định", "Có mặt", "Vắng", "Dự thay",
             "Muộn"], rows, [11, 34, 24, 20, 19, 19, 19, 19], aligns="clcccccc", size=11,
            caption=caption)
    rows = []
    for i, h in enumerate(data["holdings"], start=1):
        gaps = []
        for key, word in (("absent", "Vắng"), ("substituted", "Dự thay"), ("late", "Muộn"),
                          ("unassigned", "Chưa phân công")):
            if h[key]:
                gaps.append(f"{word}: {', '.join(h[key])}")
        if not h["recorded"]:
            present, note = "—", "Chưa điểm danh"
        else:
            present = f"{two(h['present'])}/{two(h['required'])}"
            note = "; ".join(gaps) or "Đủ thành phần"
        rows.append([str(i), h["round"], f"{h['conference']} ({h['body']})", present, note])
    return doc_output.Table(
        ["STT", "Bước", "Hội nghị, kỳ họp", "Có mặt", "Ghi chú"], rows, [12, 25, 68, 20, 40],
        aligns="cllcl", size=11, caption=caption)


_HANDLING = ("deliveries", "on_time", "late", "not_handled")


def situations_table(data) -> doc_output.Table:
    situations = data["situations"]
    total = [sum(s[k] for s in situations) for k in _HANDLING]
    caption = "Bảng 2. Kết quả xử trí tình huống"
    if summarised(data, situations):
        groups = _by_round(situations, lambda s: situation_round(s, data["rounds"])
                           or "Ngoài thời gian các bước")
        rows = [[str(i), label, two(len(items)),
                 *(two(sum(s[k] for s in items)) for k in _HANDLING)]
                for i, (label, items) in enumerate(groups.items(), start=1)]
        rows.append(["", "Cộng", two(len(situations)), *(two(n) for n in total)])
        return doc_output.Table(
            ["STT", "Bước", "Số tình huống", "Lượt nhận", "Đúng hạn", "Chậm", "Chưa xử trí"],
            rows, [11, 40, 24, 24, 22, 22, 22], aligns="clccccc", caption=caption, size=11)
    rows = [[str(i), f"{s['code']}: {s['title']}", s["issued"], two(s["deliveries"]),
             two(s["on_time"]), two(s["late"]), two(s["not_handled"])]
            for i, s in enumerate(situations, start=1)]
    rows.append(["", "Cộng", "", *(two(n) for n in total)])
    return doc_output.Table(
        ["STT", "Tình huống", "Thời điểm phát", "Lượt nhận", "Đúng hạn", "Chậm",
         "Chưa xử trí"], rows, [11, 57, 27, 18, 18, 15, 19],
        aligns="clccccc", caption=caption, size=11)


def scores_table(data) -> doc_output.Table:
    s = data["scores"]
    rows = [[str(i), "Tiêu chí", r["title"], number(r["avg"]), two(r["n"])]
            for i, r in enumerate(s["by_criterion"], start=1)]
    rows += [[str(len(rows) + i), "Cơ quan", r["body"], number(r["avg"]), two(r["n"])]
             for i, r in enumerate(s["by_body"], start=1)]
    return doc_output.Table(["STT", "Theo", "Tiêu chí / cơ quan", "Điểm bình quân", "Số lượt"],
                            rows, [12, 22, 88, 25, 18], aligns="cllcc",
                            caption="Bảng 3. Kết quả đánh giá theo tiêu chí và theo cơ quan",
                            size=11)


def observations_table(data) -> doc_output.Table | None:
    """Bảng 4: how many observations of each kind per body, when the final report sums them
    up (the text refers to it)."""
    observations = data["observations"]
    if not any(summarised(data, [o for o in observations if o["kind"] == kind])
               for kind in OBSERVATION_KINDS):
        return None
    rows = [[str(i), body, *(two(counts[kind]) for kind in OBSERVATION_KINDS)]
            for i, (body, counts) in enumerate(observations_by_body(observations), start=1)]
    rows.append(["", "Cộng", *(two(sum(1 for o in observations if o["kind"] == kind))
                               for kind in OBSERVATION_KINDS)])
    return doc_output.Table(["STT", "Cơ quan, đơn vị", "Ưu điểm", "Hạn chế", "Đề xuất"], rows,
                            [12, 87, 22, 22, 22], aligns="clccc", size=11,
                            caption="Bảng 4. Tổng hợp nhận xét theo cơ quan, đơn vị")


def plan_table(data) -> doc_output.Table:
    if summarised(data, data["actions"]):
        return plan_summary_table(data)
    rows = [[str(i), a["body"], a["title"], a["due"],
             ACTION_STATUS.get(a["status"], a["status_label"])
             + (" (quá hạn)" if a["overdue"] else "")]
            for i, a in enumerate(data["actions"], start=1)]
    return doc_output.Table(PLAN_HEADERS, rows, [12, 30, 73, 22, 28],
                            aligns="cllcl", caption="KẾ HOẠCH KHẮC PHỤC", size=11)


def plan_summary_table(data) -> doc_output.Table:
    """The improvement plan of a large exercise, per body: given, done, not yet, overdue."""
    bodies: dict[str, list] = {}
    for a in sorted(data["actions"], key=lambda a: (a.get("body_order", 10**6), a["body"])):
        bodies.setdefault(a["body"], []).append(a)
    rows, totals = [], [0, 0, 0, 0]
    for i, (body, actions) in enumerate(bodies.items(), start=1):
        done = sum(1 for a in actions if a["status"] in DONE)
        counts = [len(actions), done, len(actions) - done, sum(1 for a in actions
                                                               if a["overdue"])]
        totals = [t + n for t, n in zip(totals, counts, strict=True)]
        rows.append([str(i), body, *(two(n) for n in counts)])
    rows.append(["", "Cộng", *(two(n) for n in totals)])
    return doc_output.Table(PLAN_SUMMARY_HEADERS, rows, [12, 69, 21, 21, 21, 21],
                            aligns="clcccc", size=11,
                            caption="KẾ HOẠCH KHẮC PHỤC (tổng hợp theo cơ quan, đơn vị)")


def blocks(report: Report, data: dict) -> list:
    c = data["charts"]
    out = [doc_output.Heading(HEADINGS["overview"]), *_lines(report.overview),
           doc_output.Heading(HEADINGS["conduct"]), *_lines(report.conduct)]
    if data["holdings"]:
        out.append(attendance_table(data))
    if data["situations"]:
        out.append(situations_table(data))
    if any(r["raised"] for r in c["actions_per_round"]):
        out.append(doc_output.Image(charts.actions_per_round(c["actions_per_round"]), 150,
                                    "Hình 1. Nội dung khắc phục đã giao và đã hoàn thành "
                                    "theo từng bước"))
    out += [doc_output.Heading(HEADINGS["strengths"]), *_lines(report.strengths)]
    if data["scores"]["by_criterion"] or data["scores"]["by_body"]:
        out.append(scores_table(data))
    if c["score_by_criterion"]:
        out.append(doc_output.Image(charts.score_by_criterion(c["score_by_criterion"]), 150,
                                    "Hình 2. Điểm bình quân theo tiêu chí đánh giá"))
    out += [doc_output.Heading(HEADINGS["shortcomings"]), *_lines(report.shortcomings)]
    summary = observations_table(data)
    if summary is not None:
        out.append(summary)
    out += [doc_output.Heading(HEADINGS["conclusion"]), *_lines(report.conclusion)]
    if data["actions"]:
        out.append(plan_table(data))
    return out


def letterhead(report: Report, *, secrecy_mark: str) -> doc_output.Letterhead:
    body = report.issuing_body
    family = doc_services.default_format_family(body)
    code = report.issuer_code or doc_services.default_issuer_code(body)
    symbol = f"BC/{code}" if family == FormatFamily.PARTY else f"BC-{code}"
    sep = "-" if family == FormatFamily.PARTY else "/"
    issued = (timezone.localtime(report.updated_at).date()
              if report.status == Report.Status.FINAL else None)
    return doc_output.Letterhead(
        format_family=family, issuer=body.name,
        number_symbol=f"{chr(0xA0) * 6}{sep}{symbol}",
        year=issued.year if issued else report.exercise.end_date.year,
        parent_issuer=doc_services.default_parent_issuer(body), secrecy_mark=secrecy_mark,
        place=report.place or doc_services.default_place(report.exercise),
        issued_date=issued, type_print="BÁO CÁO", title=report.title, issuer_code=code,
        sign_authority=report.sign_authority, sign_on_behalf=report.sign_on_behalf,
        sign_title=report.sign_title, sign_name=report.sign_name)


def recipients(report: Report, data: dict) -> list[str]:
    names = list(data["overview"].get("higher_bodies", []))
    names += ["Các thành viên Ban Chỉ đạo, Ban Tổ chức",
              "Các cơ quan, đơn vị trong khung diễn tập"]
    return names


# The last documents rendered in this process, by what they print: a .docx and then a PDF of
# the same report (two copies, two copy marks) render it once. A report's sections and
# figures change only through a save, which changes its version and update time.
_RENDERED: OrderedDict[tuple, doc_output.Rendered] = OrderedDict()
_RENDERED_KEEP = 4
_RENDERED_LOCK = threading.Lock()


def render(report: Report, *, secrecy_mark: str = "") -> doc_output.Rendered:
    head = letterhead(report, secrecy_mark=secrecy_mark)
    names = recipients(report, report.data)
    key = (report.pk, report.version, report.updated_at, report.generated_at,
           dataclasses.astuple(head), tuple(names))
    with _RENDERED_LOCK:
        if key in _RENDERED:
            _RENDERED.move_to_end(key)
            return _RENDERED[key]
    rendered = doc_output.render(head, blocks(report, report.data), recipients=names)
    if report.pk is not None:
        with _RENDERED_LOCK:
            _RENDERED[key] = rendered
            while len(_RENDERED) > _RENDERED_KEEP:
                _RENDERED.popitem(last=False)
    return rendered


def build(report: Report, *, secrecy_mark: str = "", copy_mark: str = "") -> bytes:
    """The report as .docx bytes; `copy_mark` first and in the footer of a logged copy."""
    return doc_output.package(render(report, secrecy_mark=secrecy_mark), mark=copy_mark)
