"""Demo scenario of TQ-23 for rehearsal round 1 (19/09/2023): the situations that lead to the
three conferences of the article (the Party Executive Committee's resolution, the People's
Council's special session, the Military Party Committee's meeting) and the situations handled
in phase 3 (air strike, A2 riot, hostage-taking, evacuation). The first ones are issued, with
handling recorded (on time, and one late); the clock stands paused at N-57 08:20.
Everything goes through the services (audited, events stored)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dientap.accounts.models import Clearance
from dientap.documents.models import DocType, Document
from dientap.exercises.models import ContentItem, Exercise
from dientap.organizations.models import Body

from . import scenario_time, services
from .models import Handling, Situation

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROUND1 = datetime(2023, 9, 19, 7, 0, tzinfo=TZ)
IK = Situation.IssuerKind
H = Handling

# (code, time, title, content, issuer kind, issuer, [body names], handling, expected,
#  deadline, classification, depends on, content item title prefix, related document type)
SITUATIONS = [
    ("TH-01", "N-60 07:30", "Quân khu thông báo tình hình, giao nhiệm vụ theo dõi",
     "Bộ Tư lệnh Quân khu 2 thông báo: tình hình biên giới phía Bắc diễn biến phức tạp, đối "
     "phương tăng cường hoạt động trinh sát. Yêu cầu Bộ CHQS tỉnh nắm chắc tình hình, báo cáo "
     "Tỉnh ủy, UBND tỉnh.",
     IK.HIGHER_LEVEL, "Bộ Tư lệnh Quân khu 2", ["Bộ Chỉ huy Quân sự tỉnh Tuyên Quang"],
     H.REPORT, "Bộ CHQS tỉnh báo cáo Thường trực Tỉnh ủy, Chủ tịch UBND tỉnh trước 09 giờ 00.",
     30, 0, "", "", None),
    ("TH-02", "N-57 07:30", "Mệnh lệnh chuyển trạng thái sẵn sàng chiến đấu",
     "Tư lệnh Quân khu 2 ra mệnh lệnh: chuyển lực lượng vũ trang tỉnh Tuyên Quang lên trạng "
     "thái sẵn sàng chiến đấu cao kể từ 08 giờ 00 ngày N-57.",
     IK.HIGHER_LEVEL, "Bộ Tư lệnh Quân khu 2",
     ["Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", "Công an tỉnh Tuyên Quang"],
     H.ORDER, "Chỉ huy trưởng ra mệnh lệnh chuyển trạng thái; Công an tỉnh chuyển lực lượng "
     "tương ứng; báo cáo Quân khu.", 30, 1, "", "Nội dung 1: Ban Chấp hành", None),
    ("TH-03", "N-57 07:45", "Thủ tướng công bố tình trạng khẩn cấp về quốc phòng",
     "Thủ tướng Chính phủ công bố tình trạng khẩn cấp về quốc phòng trên địa bàn các tỉnh "
     "biên giới phía Bắc, trong đó có tỉnh Tuyên Quang.",
     IK.HIGHER_LEVEL, "Thủ tướng Chính phủ",
     ["Tỉnh ủy Tuyên Quang", "Ủy ban nhân dân tỉnh Tuyên Quang",
      "Hội đồng nhân dân tỉnh Tuyên Quang"],
     H.ADVISE, "UBND tỉnh đề xuất các biện pháp thi hành; Bộ CHQS tỉnh tham mưu.", 45, 0, "",
     "Nội dung 1: Ban Chấp hành", None),
    ("TH-04", "N-57 08:00", "Chỉ thị triệu tập Hội nghị Ban Chấp hành Đảng bộ tỉnh",
     "Ban Bí thư Trung ương Đảng chỉ thị Tỉnh ủy Tuyên Quang triệu tập ngay Hội nghị Ban Chấp "
     "hành Đảng bộ tỉnh ra nghị quyết lãnh đạo chuyển địa phương sang thời chiến.",
     IK.HIGHER_LEVEL, "Ban Bí thư Trung ương Đảng", ["Tỉnh ủy Tuyên Quang"],
     H.CONVENE, "Thường trực Tỉnh ủy triệu tập Hội nghị; Văn phòng Tỉnh ủy chuẩn bị văn kiện.",
     30, 0, "TH-03", "Nội dung 1: Ban Chấp hành", DocType.RESOLUTION),
    ("TH-05", "N-57 08:10", "Đảng ủy Quân sự tỉnh tham mưu dự thảo nghị quyết",
     "Đạo diễn: yêu cầu Đảng ủy Quân sự, Bộ CHQS tỉnh chuẩn bị dự thảo nghị quyết lãnh đạo "
     "chuyển địa phương sang thời chiến trình Hội nghị Ban Chấp hành Đảng bộ tỉnh.",
     IK.DIRECTOR, "Ban Đạo diễn",
     ["Đảng ủy Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh Tuyên Quang"],
     H.ADVISE, "Trình dự thảo nghị quyết và báo cáo tình hình trước khi khai mạc Hội nghị.", 20,
     0, "", "Nội dung 1: Ban Chấp hành", None),
    ("TH-06", "N-57 10:00", "Triệu tập kỳ họp chuyên đề Hội đồng nhân dân tỉnh",
     "Thực hiện Nghị quyết của Ban Chấp hành Đảng bộ tỉnh, Thường trực HĐND tỉnh triệu tập kỳ "
     "họp chuyên đề ra nghị quyết chuyển địa phương sang thời chiến.",
     IK.DIRECTOR, "Ban Đạo diễn",
     ["Hội đồng nhân dân tỉnh Tuyên Quang", "Ủy ban nhân dân tỉnh Tuyên Quang"],
     H.CONVENE, "Thường trực HĐND triệu tập kỳ họp; UBND tỉnh trình tờ trình.", 30, 0, "TH-04",
     "Nội dung 2: Hội đồng nhân dân", DocType.SUBMISSION),
    ("TH-07", "N-57 10:05", "UBND tỉnh trình HĐND tỉnh tờ trình chuyển sang thời chiến",
     "Chủ tịch UBND tỉnh trình kỳ họp HĐND tỉnh tờ trình về chuyển địa phương sang thời chiến.",
     IK.DIRECTOR, "Ban Đạo diễn", ["Ủy ban nhân dân tỉnh Tuyên Quang"],
     H.ADVISE, "Hoàn chỉnh tờ trình, báo cáo thẩm tra.", 20, 0, "", "Nội dung 2: Hội đồng nhân dân",
     DocType.SUBMISSION),
    ("TH-08", "N-30 14:00", "Điều chỉnh quyết tâm tác chiến phòng thủ",
     "Bộ Tư lệnh Quân khu 2 thông báo ý định tiến công của địch thay đổi hướng chủ yếu; yêu cầu "
     "tỉnh điều chỉnh quyết tâm tác chiến phòng thủ.",
     IK.HIGHER_LEVEL, "Bộ Tư lệnh Quân khu 2",
     ["Đảng ủy Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh Tuyên Quang"],
     H.CONVENE, "Đảng ủy Quân sự tỉnh họp thông qua Quyết tâm tác chiến phòng thủ điều chỉnh.",
     60, 2, "", "Nội dung 1: Đảng ủy Quân sự", None),
    ("TH-09", "N-1 06:00", "Địch đánh phá bằng hỏa lực đường không",
     "06 giờ 00, máy bay địch đánh phá khu vực cầu Nông Tiến và kho xăng dầu; 12 người bị "
     "thương, cháy lan khu dân cư.",
     IK.SIMULATED, "Tình huống giả định",
     ["Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", "Ủy ban nhân dân tỉnh Tuyên Quang", "Sở Y tế"],
     H.ORDER, "Khắc phục hậu quả: cứu chữa người bị thương, chữa cháy, bảo đảm giao thông.",
     30, 0, "", "Nội dung 1: Xử trí tình huống địch đánh phá", None),
    ("TH-10", "N-1 09:00", "Gây rối, bạo loạn (A2) tại Phường Minh Xuân",
     "Khoảng 200 đối tượng tụ tập, kích động gây rối trước trụ sở UBND Phường Minh Xuân, có "
     "dấu hiệu chuyển thành bạo loạn.",
     IK.SIMULATED, "Tình huống giả định",
     ["Công an tỉnh Tuyên Quang", "Ủy ban nhân dân tỉnh Tuyên Quang"],
     H.ORDER, "Công an tỉnh tham mưu phương án xử lý; Chủ tịch UBND tỉnh ra lệnh.", 20, 1, "",
     "Nội dung 2: Xử trí tình huống gây rối", None),
    ("TH-11", "N-1 09:30", "Bắt giữ con tin tại trạm biến áp",
     "Một nhóm vũ trang bắt giữ 03 nhân viên trạm biến áp 110 kV làm con tin.",
     IK.SIMULATED, "Tình huống giả định", ["Công an tỉnh Tuyên Quang"],
     H.DECIDE, "Giám đốc Công an tỉnh quyết định phương án giải cứu.", 30, 1, "TH-10",
     "Nội dung 2: Xử trí tình huống gây rối", None),
    ("TH-12", "N 05:00", "Sơ tán nhân dân khỏi khu vực trọng điểm",
     "Địch chuẩn bị tiến công; yêu cầu sơ tán nhân dân khu vực phía Bắc thành phố.",
     IK.DIRECTOR, "Ban Đạo diễn",
     ["Ủy ban nhân dân tỉnh Tuyên Quang", "Sở Y tế", "Sở Xây dựng"],
     H.ORDER, "UBND tỉnh ra lệnh sơ tán, bảo đảm nơi ở, y tế.", 60, 0, "", "", None),
    ("TH-13", "giờ G", "Địch tiến công vào khu vực phòng thủ tỉnh",
     "Giờ G, địch tiến công trên hướng chủ yếu; Bộ CHQS tỉnh báo cáo Quân khu và Tỉnh ủy.",
     IK.SIMULATED, "Tình huống giả định", ["Bộ Chỉ huy Quân sự tỉnh Tuyên Quang"],
     H.REPORT, "Báo cáo tình hình, đề xuất sử dụng lực lượng.", 15, 0, "", "", None),
]

# (code, issued after ROUND1 (minutes), [(body name, acknowledged after issue, handled after
#  issue (minutes) or None, handling, text)])
ISSUED = [
    ("TH-01", -20, [("Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", 2, 15, H.REPORT,
                     "Đã báo cáo Thường trực Tỉnh ủy, Chủ tịch UBND tỉnh bằng văn bản.")]),
    ("TH-02", 30, [("Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", 1, 12, H.ORDER,
                    "Chỉ huy trưởng ra mệnh lệnh chuyển trạng thái SSCĐ cao."),
                   ("Công an tỉnh Tuyên Quang", 3, 25, H.ORDER,
                    "Giám đốc Công an tỉnh ra lệnh chuyển trạng thái tương ứng.")]),
    ("TH-03", 20, [("Tỉnh ủy Tuyên Quang", 2, 20, H.ADVISE,
                    "Thường trực Tỉnh ủy họp, thống nhất triệu tập Hội nghị BCH Đảng bộ tỉnh."),
                   ("Ủy ban nhân dân tỉnh Tuyên Quang", 4, 40, H.ADVISE,
                    "UBND tỉnh đề xuất các biện pháp thi hành tình trạng khẩn cấp."),
                   ("Hội đồng nhân dân tỉnh Tuyên Quang", 5, 55, H.ADVISE,
                    "Thường trực HĐND đề xuất chuẩn bị kỳ họp chuyên đề (báo cáo chậm).")]),
    ("TH-04", 80, [("Tỉnh ủy Tuyên Quang", 1, 10, H.CONVENE,
                    "Bí thư Tỉnh ủy triệu tập Hội nghị BCH Đảng bộ tỉnh lúc 08 giờ 30.")]),
    ("TH-05", 85, [("Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", 2, None, None, "")]),
]


# Bodies that confirmed the communication check before round 1 (the others did not).
CONFIRMED = ["Tỉnh ủy Tuyên Quang", "Ủy ban nhân dân tỉnh Tuyên Quang",
             "Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", "Công an tỉnh Tuyên Quang"]


def _body(name: str) -> Body:
    return Body.objects.get(name=name)


def load(exercise: Exercise, acting_user=None) -> list[Situation]:
    created = {}
    for (code, when, title, content, issuer_kind, issuer, bodies, handling, expected, deadline,
         level, depends, item_prefix, doc_type) in SITUATIONS:
        t = scenario_time.parse(when)
        item = (ContentItem.objects.filter(issue__phase__exercise=exercise,
                                           title__startswith=item_prefix).first()
                if item_prefix else None)
        receiving = [_body(name) for name in bodies]
        documents = (list(Document.objects.filter(exercise=exercise, doc_type=doc_type)[:1])
                     if doc_type else [])
        created[code] = services.situation_create(
            exercise, acting_user=acting_user, code=code, title=title, content=content,
            scenario_minutes=t.minutes, g_relative=t.g_relative, issuer_kind=issuer_kind,
            issuer=issuer, receiving_bodies=receiving, handling_kind=handling,
            expected_handling=expected, deadline_minutes=deadline,
            classification=Clearance(level), depends_on=created.get(depends),
            content_item=item, documents=documents,
            method="Văn bản" if issuer_kind == IK.HIGHER_LEVEL else "Điện thoại")
    clock_at = ROUND1 + timedelta(minutes=20)
    services.clock_start(exercise, acting_user=acting_user,
                         at_minutes=scenario_time.parse("N-57 07:20").minutes, now=clock_at)
    for code, offset, handled in ISSUED:
        issued_at = ROUND1 + timedelta(minutes=offset)
        situation = services.situation_issue(created[code], acting_user=acting_user,
                                             now=issued_at)
        for name, ack, done, kind, text in handled:
            body = _body(name)
            services.delivery_acknowledge(situation, acting_user=acting_user, body=body,
                                          now=issued_at + timedelta(minutes=ack))
            if done is not None:
                services.delivery_handle(situation, acting_user=acting_user, body=body,
                                         handling_kind=kind, text=text,
                                         now=issued_at + timedelta(minutes=done))
    services.clock_pause(exercise, acting_user=acting_user,
                         now=ROUND1 + timedelta(minutes=80))
    check = services.comm_check_send(exercise, acting_user=acting_user,
                                     now=ROUND1 - timedelta(minutes=30))
    for minutes, name in enumerate(CONFIRMED, start=1):
        services.comm_check_confirm(check, acting_user=acting_user, body=_body(name),
                                    now=check.sent_at + timedelta(minutes=minutes))
    return list(created.values())
