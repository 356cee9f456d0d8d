"""Demo data of oversight: round 1 (19/09/2023) observed. Observations on the three
conferences, evaluations per body, corrective actions (some done and verified, some open,
one overdue, one blocking), the preparation checklists and the budget. Everything goes
through the services (audited, events stored).

Due dates of what is still open are set relative to today, so that the demo shows exactly
one overdue action whenever it is loaded.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from dientap.documents.models import Comment, Document
from dientap.exercises.models import Exercise, Round
from dientap.organizations.models import Body

from . import services
from .models import ChecklistItem, Observation

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
K = Observation.Kind
C = ChecklistItem.Category
ST = ChecklistItem.Status

# conference body -> [(kind, text, agenda position or None, scenario time, h, m)]
OBSERVATIONS = {
    "Ban Chấp hành Đảng bộ tỉnh": [
        (K.STRENGTH, "Người chủ trì điều hành chặt chẽ, đúng trình tự; kết luận rõ ràng.", None,
         "N-5, 08:30", 8, 40),
        (K.SHORTCOMING, "Phần thảo luận vượt thời gian dự kiến 3 phút; cần rút gọn ý kiến.",
         4, "N-5, 09:20", 9, 35),
        (K.SHORTCOMING, "Chủ tịch Ủy ban MTTQ tỉnh vắng, không cử người dự thay.", None,
         "N-5, 08:30", 8, 45),
    ],
    "Hội đồng nhân dân tỉnh Tuyên Quang": [
        (K.SHORTCOMING, "Tờ trình của UBND tỉnh chưa nêu đủ căn cứ pháp lý (Luật Quốc phòng "
         "năm 2018).", None, "N-5, 10:15", 10, 30),
        (K.PROPOSAL, "Bổ sung kịch bản điều hành kỳ họp cho Chủ tọa, thống nhất lời dẫn.", None,
         "N-5, 10:40", 10, 50),
    ],
    "Đảng ủy Quân sự tỉnh": [
        (K.SHORTCOMING, "Bản đồ quyết tâm và sa bàn chưa cập nhật theo quyết tâm điều chỉnh.",
         None, "N-4, 14:00", 14, 10),
        (K.STRENGTH, "Cơ quan quân sự tham mưu sát tình huống, số liệu lực lượng đầy đủ.", None,
         "N-4, 14:30", 14, 35),
    ],
}

# (body short name, {criterion position: level code})
BODY_SCORES = [
    ("BCH Đảng bộ tỉnh", {1: "K", 3: "G", 4: "G", 7: "D"}),
    ("HĐND tỉnh", {1: "D", 3: "K", 4: "K", 7: "G"}),
    ("UBND tỉnh", {1: "D", 5: "K", 6: "K"}),
    ("Đảng ủy Quân sự tỉnh", {1: "K", 3: "K", 4: "G"}),
    ("Bộ CHQS tỉnh", {2: "KD", 5: "G", 8: "K"}),
]

# (category, title, owner, status, due: date or days from today, evidence)
CHECKLIST = [
    (C.ROOMS, "Hội trường Tỉnh ủy: bố trí chỗ ngồi theo sơ đồ, biển tên đại biểu",
     "VP Tỉnh ủy", ST.READY, date(2023, 9, 15), "Đã kiểm tra ngày 15/09/2023"),
    (C.ROOMS, "Hội trường HĐND tỉnh: âm thanh, màn chiếu", "VP UBND tỉnh", ST.READY,
     date(2023, 9, 15), "Biên bản bàn giao thiết bị"),
    (C.MAPS, "Bản đồ quyết tâm, sa bàn khu vực phòng thủ theo quyết tâm điều chỉnh",
     "Bộ CHQS tỉnh", ST.IN_PROGRESS, 10, ""),
    (C.COMMUNICATIONS, "Đường truyền hội nghị truyền hình tới Sở chỉ huy Bộ CHQS tỉnh",
     "Bộ CHQS tỉnh", ST.READY, date(2023, 9, 16), "Thử đường truyền 16/09/2023: tốt"),
    (C.COMMUNICATIONS, "Điện thoại quân sự, máy fax mật tại các hội trường", "Bộ CHQS tỉnh",
     ST.READY, date(2023, 9, 16), ""),
    (C.TRANSPORT, "Xe đưa đón đại biểu giữa các điểm hội nghị", "VP UBND tỉnh", ST.READY,
     date(2023, 9, 18), ""),
    (C.EQUIPMENT, "Máy chiếu, máy tính dự phòng cho ba hội nghị", "VP UBND tỉnh",
     ST.IN_PROGRESS, 5, ""),
    (C.LOGISTICS, "Bảo đảm ăn, nghỉ cho lực lượng thực binh", "Sở Tài chính", ST.TODO, -2, ""),
    (C.SAFETY, "Phương án phòng cháy, chữa cháy tại các hội trường", "Công an tỉnh", ST.READY,
     date(2023, 9, 17), "Phương án số 12/PA-CAT"),
    (C.SAFETY, "An toàn bắn đạn thật, vật nổ trong phần thực binh", "Bộ CHQS tỉnh",
     ST.IN_PROGRESS, 20, ""),
]

BUDGET = [
    ("In ấn văn kiện, tài liệu", "VP UBND tỉnh", 85_000_000, 78_500_000, ""),
    ("Bản đồ, sa bàn", "Bộ CHQS tỉnh", 120_000_000, 131_200_000, "Làm lại sa bàn theo quyết tâm"),
    ("Thông tin liên lạc", "Bộ CHQS tỉnh", 60_000_000, 42_000_000, ""),
    ("Xe đưa đón, xăng dầu", "VP UBND tỉnh", 45_000_000, 12_300_000, "Mới chi cho lần 1"),
    ("Hậu cần lực lượng thực binh", "Sở Tài chính", 350_000_000, 0, ""),
]


def _at(day: date, h: int, m: int) -> datetime:
    return datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)


def load(exercise: Exercise, acting_user=None) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["theodoi", "bantochuc", "ubnd"])}
    observer = users.get("theodoi", acting_user)
    bodies = {b.short_name or b.name: b for b in Body.objects.filter(
        area__path__startswith=exercise.area.path)}
    round1 = exercise.rounds.get(kind=Round.Kind.REHEARSAL, number=1)
    today = timezone.localdate()
    criteria = {c.position: c for c in services.criteria_seed_defaults(
        exercise, acting_user=acting_user)}

    # Observations on the three conferences (their round-1 holdings).
    obs = {}
    for holding in round1.holdings.select_related("conference", "conference__body"):
        agenda = {i.position: i for i in holding.conference.agenda.all()}
        for kind, text, item, scenario, h, m in OBSERVATIONS.get(holding.conference.body.name,
                                                                 []):
            obs[text] = services.observation_create(
                exercise, acting_user=observer, kind=kind, text=text, holding=holding,
                agenda_item=agenda.get(item) if item else None, scenario_time=scenario,
                observed_at=_at(round1.start_date, h, m))

    def seen(start):
        return next(o for text, o in obs.items() if text.startswith(start))

    safety = services.observation_create(
        exercise, acting_user=observer, kind=K.PROPOSAL, body=bodies["Bộ CHQS tỉnh"],
        text="Cần phương án an toàn riêng cho phần thực binh có sử dụng vật nổ.",
        round=round1, observed_at=_at(round1.start_date, 15, 40))

    # Evaluations per body (round 1), with observations as evidence where there are some.
    evidence = {
        ("BCH Đảng bộ tỉnh", 4): [seen("Người chủ trì điều h")],
        ("BCH Đảng bộ tỉnh", 7): [seen("Chủ tịch Ủy ban MTTQ")],
        ("UBND tỉnh", 1): [seen("Tờ trình của UBND tỉ")],
        ("Bộ CHQS tỉnh", 2): [seen("Bản đồ quyết tâm và ")],
        ("Đảng ủy Quân sự tỉnh", 3): [seen("Cơ quan quân sự tham")],
    }
    for body_name, levels in BODY_SCORES:
        for position, code in levels.items():
            services.score_set(criteria[position], acting_user=observer, level=code,
                               round=round1, body=bodies[body_name],
                               evidence=evidence.get((body_name, position), ()))

    # Corrective actions.
    submission = Document.objects.get(exercise=exercise, owner_body=bodies["UBND tỉnh"],
                                      doc_type="submission")
    comment = Comment.objects.filter(document=submission).exclude(state="closed").first()

    def action(**fields):
        return services.action_create(exercise, acting_user=acting_user, round=round1,
                                      **fields)

    a1 = action(owner_body=bodies["UBND tỉnh"], comment=comment,
                title="Bổ sung căn cứ Luật Quốc phòng năm 2018 vào Tờ trình đề nghị ban hành "
                      "Nghị quyết; giao nhiệm vụ giám sát cho Thường trực HĐND tỉnh.",
                due_date=date(2023, 9, 26), observation=seen("Tờ trình của UBND tỉ"))
    a1 = services.action_done(a1, acting_user=acting_user,
                              fixed_by_version=submission.versions.order_by("-number").first(),
                              note="Đã sửa tại dự thảo lần 2, mục 1 và mục 4.")
    services.action_verify(a1, acting_user=acting_user)
    a2 = action(owner_body=bodies["HĐND tỉnh"], observation=seen("Bổ sung kịch bản điều"),
                title="Xây dựng kịch bản điều hành kỳ họp chuyên đề cho Chủ tọa.",
                due_date=date(2023, 9, 29))
    a2 = services.action_start(a2, acting_user=acting_user)
    a2 = services.action_done(a2, acting_user=acting_user, note="Kịch bản đã ban hành.")
    services.action_verify(a2, acting_user=acting_user)
    a3 = action(owner_body=bodies["Đảng ủy Quân sự tỉnh"],
                observation=seen("Phần thảo luận vượt "),
                title="Rút gọn phần thảo luận: chuẩn bị trước ý kiến phát biểu bằng văn bản.",
                due_date=date(2023, 9, 30))
    services.action_done(a3, acting_user=acting_user,
                         note="Đã phân công ba ý kiến phát biểu chuẩn bị trước.")
    a4 = action(owner_body=bodies["Bộ CHQS tỉnh"], observation=seen("Bản đồ quyết tâm và "),
                title="Cập nhật bản đồ quyết tâm và sa bàn theo Quyết tâm tác chiến phòng thủ "
                      "điều chỉnh trước luyện tập lần 2.",
                due_date=today + timedelta(days=10), blocking=True)
    services.action_start(a4, acting_user=acting_user)
    action(owner_body=bodies["Ủy ban MTTQ tỉnh"], observation=seen("Chủ tịch Ủy ban MTTQ"),
           title="Bảo đảm thành phần dự hội nghị: cử người dự thay khi Chủ tịch vắng.",
           due_date=today - timedelta(days=3))
    action(owner_body=bodies["Bộ CHQS tỉnh"], observation=safety,
           title="Xây dựng phương án an toàn cho phần thực binh có sử dụng vật nổ.",
           due_date=today + timedelta(days=20))
    action(owner_body=bodies["UBND tỉnh"],
           title="Bổ sung phương án sơ tán nhân dân vào kế hoạch chuyển địa phương sang thời "
                 "chiến.", due_date=today + timedelta(days=14))

    # Preparation checklists and the budget.
    for category, title, owner, status, due, evidence_text in CHECKLIST:
        if isinstance(due, int):
            due = today + timedelta(days=due)
        services.checklist_item_create(exercise, acting_user=acting_user, category=category,
                                       title=title, owner_body=bodies[owner], round=round1,
                                       due_date=due, status=status, evidence=evidence_text)
    for title, owner, planned, actual, note in BUDGET:
        services.budget_line_create(exercise, acting_user=acting_user, title=title,
                                    owner_body=bodies[owner], planned=planned, actual=actual,
                                    note=note)
