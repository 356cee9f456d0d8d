"""A report as a Decree 30 document of its issuing body: the documents' formatter (header,
footer, format family) wrapped around the report's sections, tables and charts."""

from django.utils import timezone

from dientap.documents import output as doc_output
from dientap.documents import services as doc_services
from dientap.documents.models import FormatFamily

from . import charts
from .models import Report
from .text import ACTION_STATUS, number, two

HEADINGS = {
    "overview": "I. KHÁI QUÁT CHUNG",
    "conduct": "II. KẾT QUẢ THỰC HIỆN",
    "strengths": "III. ƯU ĐIỂM",
    "shortcomings": "IV. HẠN CHẾ, KHUYẾT ĐIỂM",
    "conclusion": "V. KẾT LUẬN VÀ ĐỀ XUẤT",
}
PLAN_HEADERS = ["STT", "Cơ quan", "Nội dung khắc phục", "Hạn", "Trạng thái"]
_W = doc_output.TEXT_WIDTH_MM  # 165 mm


def _lines(text: str) -> list:
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            out.append(doc_output.Text(line))
    return out


def attendance_table(data) -> doc_output.Table:
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
        aligns="cllcl", size=11,
        caption="Bảng 1. Thành phần dự hội nghị, kỳ họp so với thành phần quy định")


def situations_table(data) -> doc_output.Table:
    rows = [[str(i), f"{s['code']}: {s['title']}", s["issued"], two(s["deliveries"]),
             two(s["on_time"]), two(s["late"]), two(s["not_handled"])]
            for i, s in enumerate(data["situations"], start=1)]
    total = [sum(s[k] for s in data["situations"])
             for k in ("deliveries", "on_time", "late", "not_handled")]
    rows.append(["", "Cộng", "", *(two(n) for n in total)])
    return doc_output.Table(
        ["STT", "Tình huống", "Thời điểm phát", "Lượt nhận", "Đúng hạn", "Chậm",
         "Chưa xử trí"], rows, [11, 57, 27, 18, 18, 15, 19],
        aligns="clccccc", caption="Bảng 2. Kết quả xử trí tình huống", size=11)


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


def plan_table(data) -> doc_output.Table:
    rows = [[str(i), a["body"], a["title"], a["due"],
             ACTION_STATUS.get(a["status"], a["status_label"])
             + (" (quá hạn)" if a["overdue"] else "")]
            for i, a in enumerate(data["actions"], start=1)]
    return doc_output.Table(PLAN_HEADERS, rows, [12, 30, 73, 22, 28],
                            aligns="cllcl", caption="KẾ HOẠCH KHẮC PHỤC", size=11)


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
    out += [doc_output.Heading(HEADINGS["shortcomings"]), *_lines(report.shortcomings),
            doc_output.Heading(HEADINGS["conclusion"]), *_lines(report.conclusion)]
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


def build(report: Report, *, secrecy_mark: str = "", copy_mark: str = "") -> bytes:
    return doc_output.compose_docx(letterhead(report, secrecy_mark=secrecy_mark),
                                   blocks(report, report.data),
                                   recipients=recipients(report, report.data), mark=copy_mark)
