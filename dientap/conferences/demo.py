"""Demo data of the conferences issue: the structure of TQ-23, the agendas and prescribed
compositions of the three round-1 conferences (from the article's roles), and round 1's Party
Executive Committee conference as it was held: a substitute, an absence and a late arrival.
Everything goes through the services (audited, events stored)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from dientap.exercises import services as exercises
from dientap.exercises.models import Exercise, Round
from dientap.organizations.models import Body, Post

from . import services
from .models import Attendance, CompositionEntry

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# phase -> [(issue, [content item …])]
STRUCTURE = [
    ("Giai đoạn 1: Chuyển trạng thái", [
        ("Vấn đề 1: Chuyển lực lượng vũ trang vào các trạng thái sẵn sàng chiến đấu; chuyển "
         "địa phương sang thời chiến", [
            "Nội dung 1: Ban Chấp hành Đảng bộ tỉnh ra nghị quyết lãnh đạo chuyển địa phương "
            "sang thời chiến",
            "Nội dung 2: Hội đồng nhân dân tỉnh ra nghị quyết chuyển địa phương sang thời chiến",
            "Nội dung 3: Ủy ban nhân dân tỉnh triển khai chuyển địa phương sang thời chiến",
        ]),
    ]),
    ("Giai đoạn 2: Chuẩn bị tác chiến phòng thủ", [
        ("Vấn đề 2: Điều chỉnh và thông qua quyết tâm tác chiến phòng thủ", [
            "Nội dung 1: Đảng ủy Quân sự tỉnh thông qua Quyết tâm tác chiến phòng thủ điều chỉnh",
            "Nội dung 2: Ban Thường vụ Tỉnh ủy phê duyệt quyết tâm tác chiến phòng thủ",
        ]),
    ]),
    ("Giai đoạn 3: Thực hành tác chiến phòng thủ", [
        ("Vấn đề 3: Xử trí các tình huống", [
            "Nội dung 1: Xử trí tình huống địch đánh phá bằng hỏa lực, khắc phục hậu quả",
            "Nội dung 2: Xử trí tình huống gây rối, bạo loạn (A2)",
        ]),
    ]),
]  # fmt: skip

# Conference (by its body's name) -> content item index, secretary post title, agenda, seats.
# agenda: (content, method, presenter post title or text, advisory body names, minutes, output)
# seats: (kind, title, post title or None, body name or None)
REQ, INV = CompositionEntry.Kind.REQUIRED, CompositionEntry.Kind.INVITED
CONFERENCES = {
    "Ban Chấp hành Đảng bộ tỉnh": (
        (0, 0, 0), "Chánh Văn phòng Tỉnh ủy",
        [
            ("Khai mạc; tuyên bố lý do, giới thiệu đại biểu", "Chánh Văn phòng Tỉnh ủy điều hành",
             "Chánh Văn phòng Tỉnh ủy", [], 5, ""),
            ("Thông báo tình hình quốc phòng, an ninh và ý định của cấp trên",
             "Chỉ huy trưởng Bộ CHQS tỉnh báo cáo; Giám đốc Công an tỉnh bổ sung tình hình an ninh",
             "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh",
             ["Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", "Công an tỉnh Tuyên Quang"], 15, ""),
            ("Thông qua dự thảo Nghị quyết lãnh đạo chuyển địa phương sang thời chiến",
             "Văn phòng Tỉnh ủy trình bày dự thảo do Đảng ủy Quân sự tỉnh tham mưu",
             "Chánh Văn phòng Tỉnh ủy", ["Đảng ủy Quân sự tỉnh"], 15, ""),
            ("Thảo luận, đóng góp ý kiến vào dự thảo Nghị quyết",
             "Các đồng chí Ủy viên Ban Chấp hành phát biểu; cơ quan quân sự, công an giải trình",
             "Bí thư Tỉnh ủy", ["Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", "Công an tỉnh Tuyên Quang"],
             30, ""),
            ("Biểu quyết thông qua Nghị quyết", "Biểu quyết bằng giơ tay; thư ký tổng hợp kết quả",
             "Bí thư Tỉnh ủy", [], 10, "Nghị quyết lãnh đạo chuyển địa phương sang thời chiến"),
            ("Kết luận hội nghị", "Đồng chí chủ trì kết luận, giao nhiệm vụ",
             "Bí thư Tỉnh ủy", [], 15, ""),
        ],
        [
            (REQ, "Bí thư Tỉnh ủy", "Bí thư Tỉnh ủy", None),
            (REQ, "Phó Bí thư Thường trực Tỉnh ủy", "Phó Bí thư Thường trực Tỉnh ủy", None),
            (REQ, "Chủ tịch UBND tỉnh", "Chủ tịch Ủy ban nhân dân tỉnh", None),
            (REQ, "Chỉ huy trưởng Bộ CHQS tỉnh", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", None),
            (REQ, "Giám đốc Công an tỉnh", "Giám đốc Công an tỉnh", None),
            (REQ, "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", None),
            (REQ, "Chánh Văn phòng Tỉnh ủy", "Chánh Văn phòng Tỉnh ủy", None),
            (REQ, "Trưởng Ban Tuyên giáo Tỉnh ủy", None, "Tỉnh ủy Tuyên Quang"),
            (INV, "Giám đốc Sở Tài chính", "Giám đốc Sở Tài chính", None),
            (INV, "Đại diện Bộ Tư lệnh Quân khu 2", None, "Bộ Tư lệnh Quân khu 2"),
        ],
    ),
    "Hội đồng nhân dân tỉnh Tuyên Quang": (
        (0, 0, 1), None,
        [
            ("Khai mạc kỳ họp chuyên đề", "Chủ tịch HĐND tỉnh khai mạc",
             "Chủ tịch Hội đồng nhân dân tỉnh", [], 5, ""),
            ("Tờ trình của UBND tỉnh về việc chuyển địa phương sang thời chiến",
             "Chủ tịch UBND tỉnh trình bày; Bộ CHQS tỉnh tham mưu nội dung",
             "Chủ tịch Ủy ban nhân dân tỉnh", ["Bộ Chỉ huy Quân sự tỉnh Tuyên Quang"], 15, ""),
            ("Báo cáo thẩm tra của Ban Pháp chế HĐND tỉnh", "Trưởng Ban Pháp chế trình bày",
             "Trưởng Ban Pháp chế HĐND tỉnh", [], 10, ""),
            ("Thảo luận tại hội trường", "Đại biểu HĐND phát biểu; UBND tỉnh giải trình",
             "Chủ tịch Hội đồng nhân dân tỉnh", ["Ủy ban nhân dân tỉnh Tuyên Quang"], 20, ""),
            ("Biểu quyết thông qua Nghị quyết chuyển địa phương sang thời chiến",
             "Biểu quyết bằng hệ thống điện tử; công bố kết quả",
             "Chủ tịch Hội đồng nhân dân tỉnh", [], 10,
             "Nghị quyết chuyển địa phương sang thời chiến"),
            ("Bế mạc kỳ họp", "", "Chủ tịch Hội đồng nhân dân tỉnh", [], 5, ""),
        ],
        [
            (REQ, "Chủ tịch HĐND tỉnh", "Chủ tịch Hội đồng nhân dân tỉnh", None),
            (REQ, "Phó Chủ tịch HĐND tỉnh", None, "Hội đồng nhân dân tỉnh Tuyên Quang"),
            (REQ, "Chủ tịch UBND tỉnh", "Chủ tịch Ủy ban nhân dân tỉnh", None),
            (REQ, "Chỉ huy trưởng Bộ CHQS tỉnh", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", None),
            (REQ, "Giám đốc Công an tỉnh", "Giám đốc Công an tỉnh", None),
            (INV, "Bí thư Tỉnh ủy", "Bí thư Tỉnh ủy", None),
        ],
    ),
    "Đảng ủy Quân sự tỉnh": (
        (1, 0, 0), "Trợ lý Tác chiến, Phòng Tham mưu Bộ CHQS tỉnh",
        [
            ("Khai mạc hội nghị", "Bí thư Đảng ủy Quân sự tỉnh khai mạc",
             "Bí thư Đảng ủy Quân sự tỉnh", [], 5, ""),
            ("Báo cáo Quyết tâm tác chiến phòng thủ điều chỉnh",
             "Chỉ huy trưởng báo cáo trên bản đồ; Tham mưu trưởng bổ sung",
             "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", ["Bộ Chỉ huy Quân sự tỉnh Tuyên Quang"],
             25, ""),
            ("Thảo luận", "Các đồng chí đảng ủy viên phát biểu", "Bí thư Đảng ủy Quân sự tỉnh",
             [], 20, ""),
            ("Biểu quyết thông qua Quyết tâm tác chiến phòng thủ điều chỉnh", "Biểu quyết giơ tay",
             "Bí thư Đảng ủy Quân sự tỉnh", [], 5,
             "Nghị quyết thông qua Quyết tâm tác chiến phòng thủ điều chỉnh"),
            ("Kết luận", "", "Bí thư Đảng ủy Quân sự tỉnh", [], 10, ""),
        ],
        [
            (REQ, "Bí thư Đảng ủy Quân sự tỉnh", "Bí thư Đảng ủy Quân sự tỉnh", None),
            (REQ, "Chỉ huy trưởng Bộ CHQS tỉnh", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", None),
            (REQ, "Chính ủy Bộ CHQS tỉnh", "Chính ủy Bộ Chỉ huy Quân sự tỉnh", None),
            (REQ, "Tham mưu trưởng Bộ CHQS tỉnh",
             "Phó Chỉ huy trưởng, Tham mưu trưởng Bộ CHQS tỉnh", None),
            (REQ, "Giám đốc Công an tỉnh", "Giám đốc Công an tỉnh", None),
        ],
    ),
}  # fmt: skip

# Round 1 of the Party Executive Committee conference, as it went.
ATTENDANCE = {
    "Giám đốc Công an tỉnh": {"status": Attendance.Status.REPRESENTED,
                              "substitute_name": "Lò Văn Sinh",
                              "substitute_post": "Phó Giám đốc Công an tỉnh"},
    "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh": {"status": Attendance.Status.ABSENT,
                                           "note": "Đi công tác tại Trung ương"},
    "Chánh Văn phòng Tỉnh ủy": {"status": Attendance.Status.LATE, "late_minutes": 10},
}


def _post(title, exercise):
    return Post.objects.filter(title=title, body__area__path__startswith=exercise.area.path
                               ).select_related("person").first()


def load(exercise: Exercise, acting_user=None) -> None:
    items = _structure(exercise, acting_user)
    round1 = exercise.rounds.get(kind=Round.Kind.REHEARSAL, number=1)
    for conference in exercise.conferences.select_related("body"):
        spec = CONFERENCES.get(conference.body.name)
        if spec is None:
            continue
        item_key, secretary, agenda, seats = spec
        services.conference_update(
            conference, acting_user=acting_user, content_item=items[item_key],
            secretary_post=_post(secretary, exercise) if secretary else None)
        for content, method, presenter, advisory, minutes, output in agenda:
            post = _post(presenter, exercise)
            services.agenda_item_create(
                conference, acting_user=acting_user, content=content, method=method,
                presenter_post=post, presenter_text="" if post else presenter,
                advisory_bodies=list(Body.objects.filter(name__in=advisory)),
                minutes=minutes, expected_output=output)
        for kind, title, post_title, body_name in seats:
            post = _post(post_title, exercise) if post_title else None
            body = post.body if post else Body.objects.filter(name=body_name).first()
            services.composition_entry_create(conference, acting_user=acting_user, kind=kind,
                                              title=title, body=body, post=post)
    _hold_round_one(exercise, round1, acting_user)


def _structure(exercise, acting_user) -> dict:
    items = {}
    for p, (phase_title, issues) in enumerate(STRUCTURE):
        phase = exercises.phase_create(exercise, acting_user=acting_user, title=phase_title)
        for i, (issue_title, contents) in enumerate(issues):
            issue = exercises.training_issue_create(phase, acting_user=acting_user,
                                                    title=issue_title)
            for c, content in enumerate(contents):
                items[(p, i, c)] = exercises.content_item_create(issue, acting_user=acting_user,
                                                                 title=content)
    return items


def _hold_round_one(exercise, round1, acting_user) -> None:
    """The Party Executive Committee conference on 19/09/2023: held, with its attendance."""
    holding = round1.holdings.get(conference__body__name="Ban Chấp hành Đảng bộ tỉnh")
    conference = holding.conference
    for entry in conference.composition.all():
        fields = ATTENDANCE.get(entry.title, {"status": Attendance.Status.PRESENT})
        services.attendance_set(holding, entry, acting_user=acting_user, **fields)
    at = holding.starts_at.astimezone(TZ)
    services.holding_start(holding, acting_user=acting_user, at=at)
    decisions = {
        4: "Thống nhất bổ sung nội dung bảo đảm hậu cần và sơ tán nhân dân vào dự thảo.",
        5: "Nghị quyết được thông qua với 100% đại biểu có mặt tán thành.",
    }
    for number, item in enumerate(conference.agenda.all(), start=1):
        services.agenda_item_start(holding, item, acting_user=acting_user, at=at)
        at = at + timedelta(minutes=item.minutes + (3 if number == 4 else 0))
        services.agenda_item_done(holding, item, acting_user=acting_user, at=at)
        if number in decisions:
            services.agenda_item_note(holding, item, acting_user=acting_user,
                                      decision=decisions[number])
    services.holding_finish(holding, acting_user=acting_user, at=at)


