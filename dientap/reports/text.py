"""The text of a report's sections, written from its figures (``selectors.gather``).

Printed into a Vietnamese document, so Vietnamese whatever the interface language. One line is
one paragraph; a line starting with "- " is an item.

A round report points out every item (each holding's gaps, each late body, each observation):
that is what the bodies correct before the next round. The final report of a large exercise
sums up instead: a list longer than ``LIST_LIMIT`` (the holdings, the situations, the
observations of one kind, the corrective actions) is summarised per round or per body, and
the details stay in the round reports and the registers' exports.
"""

import datetime as dt
from collections import Counter, defaultdict

ACTION_STATUS = {
    "open": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Đã hoàn thành",
    "verified": "Đã kiểm tra, xác nhận",
    "reopened": "Thực hiện lại",
}
STRONG, WEAK = 3.0, 2.5  # average points (Giỏi 4, Khá 3, Đạt 2, Không đạt 1)
LIST_LIMIT = 40  # items a final report lists one by one; more are summarised
TOP = 10  # bodies named in a summary line ("nhiều nhất: …"), the others counted
OBSERVATION_KINDS = {"strength": "ưu điểm", "shortcoming": "hạn chế", "proposal": "đề xuất"}


def summarised(data, items) -> bool:
    """Whether the final report sums up `items` instead of listing them."""
    return data["kind"] == "final" and len(items) > LIST_LIMIT


def number(value) -> str:
    """1,5 (Vietnamese decimal comma); whole numbers without decimals."""
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def two(n: int) -> str:
    """Counts under 10 with a leading zero, thousands grouped with a dot ("1.250"), as
    Vietnamese reports write them."""
    return f"{n:02,d}".replace(",", ".")


def _what(data) -> str:
    if data["kind"] == "round":
        return data["round"].lower()
    return "cuộc diễn tập"


def _where(data) -> str:
    return data["round"] if data["kind"] == "round" else "Cuộc diễn tập"


def overview(data) -> str:
    o = data["overview"]
    lines = [
        f"Cuộc diễn tập: {o['name']} (mật danh {o['code_name']}); loại hình: {o['kind']}; "
        f"cấp: {o['level']}.",
        f"Đề mục: {o['theme']}",
    ]
    if o["form"]:
        lines.append(f"Hình thức: {o['form']}.")
    lines.append(f"Thời gian: từ ngày {o['start']} đến ngày {o['end']}.")
    if data["rounds"]:
        lines.append("Các bước thực hiện: " + "; ".join(
            f"{r['label']} ({r['start']})" for r in data["rounds"]) + ".")
    for c in o["committees"]:
        head = next(iter(c["members"]), None)
        who = f"; {head['position']}: đồng chí {head['person']}" + (
            f", {head['post']}" if head and head["post"] else "") if head else ""
        lines.append(f"- {c['name']}: {two(len(c['members']))} thành viên{who}.")
    lines.append(
        f"Khung diễn tập gồm {two(o['frame_bodies'])} cơ quan, đơn vị với "
        f"{two(o['frame_people'])} đồng chí tham gia theo cương vị; "
        f"{two(o['documents_done'])}/{two(o['documents_total'])} văn kiện đã được phê duyệt "
        "hoặc ban hành.")
    if data["kind"] == "round":
        start, end = data["round_dates"]
        when = f"ngày {start}" if start == end else f"từ ngày {start} đến ngày {end}"
        lines.append(f"{data['round']} được tổ chức {when}.")
    return "\n".join(lines)


def conduct(data) -> str:
    lines = []
    holdings = data["holdings"]
    by_round = defaultdict(list)
    for h in holdings:
        by_round[h["round"]].append(h)
    if not holdings:
        lines.append(f"{_where(data)} chưa tổ chức hội nghị, kỳ họp nào.")
    summary = summarised(data, holdings)
    for label, rows in by_round.items():
        lines.append(f"{label}: tổ chức {two(len(rows))} hội nghị, kỳ họp.")
        if summary:
            lines.append(f"- {attendance_summary(rows)}.")
            continue
        for h in rows:
            if not h["recorded"]:
                lines.append(f"- {h['conference']} ({h['body']}): thành phần quy định "
                             f"{two(h['required'])}, chưa ghi nhận điểm danh.")
                continue
            parts = [f"thành phần quy định {two(h['required'])}, có mặt {two(h['present'])}"]
            for key, word in (("absent", "vắng"), ("substituted", "cử người dự thay"),
                              ("late", "đến muộn"), ("unassigned", "chưa phân công người"),
                              ("unrecorded", "chưa điểm danh")):
                if h[key]:
                    parts.append(f"{word}: {', '.join(h[key])}")
            lines.append(f"- {h['conference']} ({h['body']}): {'; '.join(parts)}.")
    s = data["situations"]
    total = sum(x["deliveries"] for x in s)
    on_time = sum(x["on_time"] for x in s)
    late = sum(x["late"] for x in s)
    open_ = sum(x["not_handled"] for x in s)
    if s:
        lines.append(
            f"Ban Đạo diễn đã phát {two(len(s))} tình huống tới {two(total)} lượt cơ quan "
            f"nhận; xử trí đúng thời gian {two(on_time)}, chậm {two(late)}, chưa xử trí "
            f"{two(open_)}.")
        if summarised(data, s):
            # Per body: how many deliveries it handled late or not at all.
            for key, word in (("late_bodies", "Xử trí chậm"), ("open_bodies", "Chưa xử trí")):
                counts = Counter(body for x in s for body in x[key])
                if counts:
                    lines.append(f"- {word}: {most(counts, ' lượt')}.")
        else:
            for x in s:
                if x["late_bodies"] or x["open_bodies"]:
                    parts = []
                    if x["late_bodies"]:
                        parts.append("xử trí chậm: " + ", ".join(x["late_bodies"]))
                    if x["open_bodies"]:
                        parts.append("chưa xử trí: " + ", ".join(x["open_bodies"]))
                    lines.append(
                        f"- Tình huống {x['code']} ({x['title']}): {'; '.join(parts)}.")
    else:
        lines.append("Không có tình huống nào được phát trong thời gian này.")
    left = data["left_out"]
    if left["situations"] or left["observations"] or left["documents"]:
        lines.append("(Bản báo cáo không mật: các nội dung có độ mật không nêu chi tiết.)")
    docs = {d["title"] for x in s for d in x["documents"]}
    if docs:
        lines.append("Văn kiện sử dụng: " + "; ".join(sorted(docs)) + ".")
    return "\n".join(lines)


def most(counts: Counter, unit: str = "") -> str:
    """"A (12 lượt), B (09 lượt) và 25 cơ quan, đơn vị khác": the bodies with the most."""
    named = counts.most_common(TOP)
    text = ", ".join(f"{body} ({two(n)}{unit})" for body, n in named)
    if len(counts) > len(named):
        text += f" và {two(len(counts) - len(named))} cơ quan, đơn vị khác"
    return text


def attendance_counts(holdings) -> list[int]:
    """Holdings; seats prescribed, present, absent, substituted, late (recorded holdings)."""
    recorded = [h for h in holdings if h["recorded"]]
    return [len(holdings), *(sum(h[k] for h in recorded) for k in ("required", "present")),
            *(sum(len(h[k]) for h in recorded) for k in ("absent", "substituted", "late"))]


def attendance_summary(holdings) -> str:
    """The attendance of many holdings in one line: seats prescribed and present, and the
    gaps counted ("vắng 12, cử người dự thay 3 …")."""
    recorded = [h for h in holdings if h["recorded"]]
    parts = [f"thành phần quy định {two(sum(h['required'] for h in recorded))} lượt, có mặt "
             f"{two(sum(h['present'] for h in recorded))} lượt"]
    for key, word in (("absent", "vắng"), ("substituted", "cử người dự thay"),
                      ("late", "đến muộn"), ("unassigned", "chưa phân công người"),
                      ("unrecorded", "chưa điểm danh")):
        n = sum(len(h[key]) for h in recorded)
        if n:
            parts.append(f"{word} {two(n)}")
    if len(recorded) < len(holdings):
        parts.append(f"{two(len(holdings) - len(recorded))} hội nghị, kỳ họp chưa ghi nhận "
                     "điểm danh")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def situation_round(situation, rounds) -> str:
    """The round (label) in whose dates a situation was issued ("" when none)."""
    def day(text):
        d, m, y = (int(part) for part in text.split("/"))
        return dt.date(y, m, d)

    try:
        issued = day(situation["issued"].split()[-1])
        return next((r["label"] for r in rounds if day(r["start"]) <= issued <= day(r["end"])),
                    "")
    except (ValueError, IndexError, KeyError):
        return ""


def _of_kind(observations, kind):
    return sorted((o for o in observations if o["kind"] == kind),
                  key=lambda o: (o["body_order"], o["body"]))


def _by_body(observations, kind):
    groups = defaultdict(list)
    for o in _of_kind(observations, kind):
        groups[o["body"] or "Chung"].append(o["text"])
    return groups


def observations_by_body(observations) -> list[tuple[str, Counter]]:
    """Per body (in the bodies' order): how many observations of each kind."""
    counts = defaultdict(Counter)
    for o in sorted(observations, key=lambda o: (o["body_order"], o["body"])):
        counts[o["body"] or "Chung"][o["kind"]] += 1
    return list(counts.items())


def _observation_lines(data, kind, intro="Theo cơ quan, đơn vị:") -> list[str]:
    """The observations of a kind, per body: each one, or in a final report with many of
    them, how many per body (the bodies with the most named, all in Bảng 4)."""
    items = _of_kind(data["observations"], kind)
    if not items:
        return []
    if not summarised(data, items):
        lines = [intro]
        for body, texts in _by_body(data["observations"], kind).items():
            lines += [f"- {body}: {t}" for t in texts]
        return lines
    counts = Counter(o["body"] or "Chung" for o in items)
    return [f"{intro} {two(len(items))} {OBSERVATION_KINDS[kind]} của "
            f"{two(len(counts))} cơ quan, đơn vị (tổng hợp tại Bảng 4; chi tiết tại các báo "
            f"cáo rút kinh nghiệm từng bước); nhiều nhất: {most(counts)}."]


def strengths(data) -> str:
    lines = []
    scores = data["scores"]
    good = [c for c in scores["by_criterion"] if c["avg"] >= STRONG]
    if good:
        lines.append("Theo tiêu chí đánh giá:")
        lines += [f"- {c['title']}: điểm bình quân {number(c['avg'])}." for c in good]
    bodies = [b for b in scores["by_body"] if b["avg"] >= STRONG]
    if bodies:
        lines.append("Các cơ quan được đánh giá cao: " + ", ".join(
            f"{b['body']} ({number(b['avg'])})" for b in bodies) + ".")
    lines += _observation_lines(data, "strength")
    on_time = sum(x["on_time"] for x in data["situations"])
    if on_time:
        lines.append(f"Các cơ quan xử trí đúng thời gian {two(on_time)} lượt tình huống.")
    if not lines:
        lines.append(f"{_where(data)} cơ bản đạt mục đích, yêu cầu đề ra.")
    return "\n".join(lines)


def shortcomings(data) -> str:
    lines = []
    scores = data["scores"]
    weak = [c for c in scores["by_criterion"] if c["avg"] < WEAK]
    if weak:
        lines.append("Theo tiêu chí đánh giá:")
        lines += [f"- {c['title']}: điểm bình quân {number(c['avg'])}." for c in weak]
    bodies = [b for b in scores["by_body"] if b["avg"] < WEAK]
    if bodies:
        lines.append("Các cơ quan cần rút kinh nghiệm: " + ", ".join(
            f"{b['body']} ({number(b['avg'])})" for b in bodies) + ".")
    lines += _observation_lines(data, "shortcoming")
    gaps = [h for h in data["holdings"] if h["absent"] or h["substituted"] or h["unassigned"]]
    if gaps:
        lines.append(f"Thành phần dự chưa đủ theo quy định ở {two(len(gaps))} hội nghị, kỳ họp.")
    late = sum(x["late"] for x in data["situations"])
    open_ = sum(x["not_handled"] for x in data["situations"])
    if late or open_:
        lines.append(f"Xử trí tình huống: {two(late)} lượt chậm, {two(open_)} lượt chưa xử trí.")
    if not lines:
        lines.append("Không có hạn chế đáng kể được ghi nhận.")
    return "\n".join(lines)


def conclusion(data) -> str:
    actions = data["actions"]
    fixed = sum(1 for a in actions if a["status"] in ("done", "verified"))
    overdue = sum(1 for a in actions if a["overdue"])
    bodies = {a["body"] for a in actions}
    lines = [f"{_where(data)} được chuẩn bị chu đáo, tổ chức chặt chẽ, đúng kế hoạch; cơ bản "
             "đạt mục đích, yêu cầu đề ra."]
    if actions:
        plan = ("Kế hoạch khắc phục kèm theo, tổng hợp theo cơ quan, đơn vị; danh sách chi "
                "tiết tại sổ Nội dung sửa đổi, bổ sung, khắc phục"
                if summarised(data, actions) else "Kế hoạch khắc phục kèm theo")
        lines.append(
            f"Ban Tổ chức đã giao {two(len(actions))} nội dung sửa đổi, bổ sung, khắc phục cho "
            f"{two(len(bodies))} cơ quan, đơn vị ({plan}); đã hoàn thành "
            f"{two(fixed)}, còn {two(len(actions) - fixed)} nội dung đang thực hiện"
            + (f", trong đó {two(overdue)} nội dung quá hạn." if overdue else "."))
    lines += _observation_lines(data, "proposal", "Đề xuất:")
    if data["kind"] == "round":
        lines.append("Đề nghị các cơ quan, đơn vị khẩn trương khắc phục các nội dung còn hạn "
                     "chế, hoàn thành trước bước luyện tập tiếp theo và báo cáo kết quả về Ban "
                     "Tổ chức (qua cơ quan thường trực).")
    else:
        lines.append("Đề nghị các cơ quan, đơn vị bổ sung kết quả diễn tập vào kế hoạch phòng "
                     "thủ, kế hoạch chuyển địa phương vào các trạng thái quốc phòng; lưu trữ hồ "
                     "sơ, văn kiện làm cơ sở cho cuộc diễn tập tiếp theo.")
    return "\n".join(lines)


WRITERS = {"overview": overview, "conduct": conduct, "strengths": strengths,
           "shortcomings": shortcomings, "conclusion": conclusion}


def write(section: str, data: dict) -> str:
    return WRITERS[section](data)
