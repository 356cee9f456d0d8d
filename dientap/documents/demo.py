"""Demo documents of TQ-23: the register of the three round-1 conferences.

One document (the People's Committee's submission to the People's Council session) has two
.docx versions generated here, with the Organizing Committee's comments between them, so
that the diff shows what the body changed. Everything goes through the services.
"""

import io
from datetime import date

from django.contrib.auth import get_user_model
from docx import Document as Docx
from docx.shared import Pt

from dientap.conferences.models import Conference
from dientap.exercises.models import Exercise
from dientap.organizations.models import Body, Person

from . import services
from .models import Authority, DocType, Document

S = Document.Status

SUBMISSION_V1 = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 21/2019/NĐ-CP ngày 22 tháng 02 năm 2019 của Chính phủ về khu vực "
    "phòng thủ;",
    "Thực hiện Nghị quyết của Ban Chấp hành Đảng bộ tỉnh về lãnh đạo chuyển địa phương sang "
    "thời chiến, Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, ban hành Nghị "
    "quyết về chuyển địa phương sang thời chiến với các nội dung sau:",
    "1. Chuyển tỉnh Tuyên Quang từ trạng thái thời bình sang trạng thái thời chiến trong thời "
    "gian 30 ngày.",
    "2. Giao Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành, địa phương triển khai các biện pháp "
    "động viên, sơ tán, phòng thủ dân sự.",
    "3. Bảo đảm ngân sách cho nhiệm vụ quốc phòng, an ninh trong thời chiến.",
    "Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, quyết định.",
]

SUBMISSION_V2 = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Quốc phòng ngày 08 tháng 6 năm 2018;",
    "Căn cứ Nghị định số 21/2019/NĐ-CP ngày 22 tháng 02 năm 2019 của Chính phủ về khu vực "
    "phòng thủ;",
    "Thực hiện Nghị quyết của Ban Chấp hành Đảng bộ tỉnh về lãnh đạo chuyển địa phương sang "
    "thời chiến, Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, ban hành Nghị "
    "quyết về chuyển địa phương sang thời chiến với các nội dung sau:",
    "1. Chuyển tỉnh Tuyên Quang từ trạng thái thời bình sang trạng thái thời chiến kể từ 00 giờ "
    "00 ngày N-5.",
    "2. Giao Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành, địa phương triển khai các biện pháp "
    "động viên, sơ tán, phòng thủ dân sự.",
    "3. Bảo đảm ngân sách cho nhiệm vụ quốc phòng, an ninh trong thời chiến.",
    "4. Giao Thường trực Hội đồng nhân dân tỉnh giám sát việc thực hiện Nghị quyết.",
    "Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, quyết định.",
]

RESOLUTION_TEXT = "\n".join([
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh khóa XVII, nhiệm kỳ 2020 - 2025;",
    "Xét đề nghị của Đảng ủy Quân sự tỉnh, Ban Chấp hành Đảng bộ tỉnh",
    "QUYẾT NGHỊ:",
    "1. Lãnh đạo chuyển địa phương từ thời bình sang thời chiến, bảo đảm chủ động, chặt chẽ, "
    "kịp thời.",
    "2. Giao Ban cán sự đảng Ủy ban nhân dân tỉnh, Đảng đoàn Hội đồng nhân dân tỉnh lãnh đạo "
    "cụ thể hóa Nghị quyết này.",
])

DECISION_TEXT = "\n".join([
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Quốc phòng ngày 08 tháng 6 năm 2018;",
    "Theo đề nghị của Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh.",
    "QUYẾT ĐỊNH:",
    "Điều 1. Thành lập Ban Tổ chức diễn tập khu vực phòng thủ tỉnh Tuyên Quang năm 2023.",
    "Điều 2. Ban Tổ chức có nhiệm vụ giúp Ban Chỉ đạo tổ chức, chuẩn bị và thực hành diễn tập.",
    "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Chỉ "
    "huy trưởng Bộ Chỉ huy Quân sự tỉnh và các thành viên có tên tại Điều 1 chịu trách nhiệm "
    "thi hành Quyết định này.",
])


def draft_docx(paragraphs: list[str]) -> bytes:
    """A body's draft as a plain .docx (Times New Roman, one paragraph each)."""
    document = Docx()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _walk(document, *steps):
    for user, status in steps:
        document = services.document_change_status(document, acting_user=user, status=status)
    return document


def load(exercise: Exercise, acting_user=None) -> list[Document]:
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["bantochuc", "daodien", "ubnd"])}
    organizer = users.get("bantochuc", acting_user)
    director = users.get("daodien", acting_user)
    drafter_ubnd = users.get("ubnd", acting_user)
    body = {b.short_name or b.name: b for b in Body.objects.filter(area__path__startswith=(
        exercise.area.path))}
    person = {p.full_name: p for p in Person.objects.filter(full_name__in=[
        "Chẩu Văn Lâm", "Trần Thị An", "Nguyễn Văn An", "Lê Thị Kim Dung", "Đặng Quốc Việt",
        "Đinh Công Anh"])}
    conference = list(Conference.objects.filter(exercise=exercise).order_by("sort_order"))[:3]
    party_conf, council_conf, military_conf = conference
    due = date(2023, 9, 12)

    def create(**fields):
        return services.document_create(exercise, acting_user=acting_user, **fields)

    created = []

    # Conference 1: the Provincial Party Executive Committee.
    resolution = create(
        title="Về lãnh đạo chuyển địa phương sang thời chiến", doc_type=DocType.RESOLUTION,
        owner_body=body["BCH Đảng bộ tỉnh"], drafter=person["Chẩu Văn Lâm"],
        conferences=[party_conf], due_date=due, classification=1,
        recipients=[body["Tỉnh ủy"], body["Đảng ủy Quân sự tỉnh"], body["HĐND tỉnh"],
                    body["UBND tỉnh"], body["Bộ CHQS tỉnh"]],
        copies=12, copying_allowed=False, parent_issuer="ĐẢNG BỘ TỈNH TUYÊN QUANG",
        sign_authority=Authority.TM, sign_on_behalf="BAN CHẤP HÀNH", sign_title="BÍ THƯ",
        sign_name="Chẩu Văn Lâm")
    services.version_write(resolution, acting_user=organizer, text=RESOLUTION_TEXT,
                           note="Dự thảo do Đảng ủy Quân sự tỉnh tham mưu")
    resolution = _walk(resolution, (organizer, S.SUBMITTED),
                       (organizer, S.UNDER_REVIEW), (organizer, S.APPROVED))
    report = create(
        title="Báo cáo tình hình và đề xuất chủ trương chuyển địa phương sang thời chiến",
        doc_type=DocType.REPORT, owner_body=body["Đảng ủy Quân sự tỉnh"],
        conferences=[party_conf], due_date=due, classification=1,
        recipients=[body["Tỉnh ủy"], body["BCH Đảng bộ tỉnh"]],
        sign_authority=Authority.TM, sign_on_behalf="ĐẢNG ỦY", sign_title="BÍ THƯ",
        sign_name="Chẩu Văn Lâm")
    services.version_write(report, acting_user=organizer, text="Tình hình khu vực diễn biến "
                           "phức tạp …\nĐề xuất Ban Chấp hành Đảng bộ tỉnh ra nghị quyết …")
    report = _walk(report, (organizer, S.SUBMITTED))
    created += [resolution, report]

    # Conference 2: the People's Council session. The submission is the showcase.
    submission = create(
        title="Đề nghị ban hành Nghị quyết về chuyển địa phương sang thời chiến",
        doc_type=DocType.SUBMISSION, owner_body=body["UBND tỉnh"],
        drafter=person["Trần Thị An"], conferences=[council_conf], due_date=due,
        classification=1, recipients=[body["HĐND tỉnh"], body["Bộ CHQS tỉnh"]],
        copies=8, copying_allowed=True,
        sign_authority=Authority.TM, sign_on_behalf="ỦY BAN NHÂN DÂN",
        sign_title="CHỦ TỊCH", sign_name="Nguyễn Văn An")
    services.version_upload(submission, acting_user=drafter_ubnd,
                            file=io.BytesIO(draft_docx(SUBMISSION_V1)),
                            name="To-trinh-HDND-du-thao-1.docx", note="Dự thảo lần 1")
    submission = _walk(submission, (drafter_ubnd, S.SUBMITTED),
                       (organizer, S.UNDER_REVIEW))
    v1 = submission.versions.get(number=1)
    first = services.comment_add(
        submission, acting_user=organizer, version=v1,
        quote="trong thời gian 30 ngày",
        text="Thời điểm chuyển trạng thái phải theo tình huống của kịch bản: đề nghị ghi "
             "“kể từ 00 giờ 00 ngày N-5”.")
    second = services.comment_add(
        submission, acting_user=director, version=v1,
        text="Bổ sung căn cứ Luật Quốc phòng năm 2018 và giao nhiệm vụ giám sát cho Thường "
             "trực HĐND tỉnh.")
    submission = _walk(submission, (organizer, S.RETURNED))
    services.version_upload(submission, acting_user=drafter_ubnd,
                            file=io.BytesIO(draft_docx(SUBMISSION_V2)),
                            name="To-trinh-HDND-du-thao-2.docx",
                            note="Sửa theo ý kiến của Ban Tổ chức")
    services.comment_answer(first, acting_user=drafter_ubnd,
                            answer="Đã sửa tại mục 1: “kể từ 00 giờ 00 ngày N-5”.")
    services.comment_answer(second, acting_user=drafter_ubnd,
                            answer="Đã bổ sung căn cứ và mục 4.")
    services.comment_close(first, acting_user=organizer)
    submission.refresh_from_db()
    submission = _walk(submission, (drafter_ubnd, S.REVISED))
    council_resolution = create(
        title="Về chuyển địa phương sang thời chiến", doc_type=DocType.RESOLUTION,
        owner_body=body["HĐND tỉnh"], drafter=person["Lê Thị Kim Dung"],
        conferences=[council_conf], due_date=due, classification=1,
        recipients=[body["UBND tỉnh"], body["Bộ CHQS tỉnh"], body["Tỉnh ủy"]],
        sign_authority=Authority.OWN, sign_title="CHỦ TỊCH", sign_name="Lê Thị Kim Dung")
    services.version_write(council_resolution, acting_user=organizer,
                           text="Căn cứ Luật Tổ chức chính quyền địa phương …\nQUYẾT NGHỊ:")
    created += [submission, council_resolution]

    # Conference 3: the Military Party Committee.
    decision = create(
        title="Quyết tâm tác chiến phòng thủ điều chỉnh của Chỉ huy trưởng Bộ Chỉ huy Quân sự "
              "tỉnh", doc_type=DocType.DEFENCE_DECISION, owner_body=body["Bộ CHQS tỉnh"],
        drafter=person["Đinh Công Anh"], conferences=[military_conf], due_date=due,
        classification=2, recipients=[body["Đảng ủy Quân sự tỉnh"]], copies=3,
        copying_allowed=False, sign_title="CHỈ HUY TRƯỞNG",
        sign_name="Đại tá Đặng Quốc Việt")
    services.version_write(decision, acting_user=organizer, text="Kết luận đánh giá tình "
                           "hình …\nQuyết tâm: …", note="Bản đồ quyết tâm kèm theo")
    decision = _walk(decision, (organizer, S.SUBMITTED), (director, S.UNDER_REVIEW))
    military_resolution = create(
        title="Thông qua Quyết tâm tác chiến phòng thủ điều chỉnh của Chỉ huy trưởng Bộ Chỉ "
              "huy Quân sự tỉnh", doc_type=DocType.RESOLUTION,
        owner_body=body["Đảng ủy Quân sự tỉnh"], conferences=[military_conf], due_date=due,
        classification=1, recipients=[body["Bộ CHQS tỉnh"], body["Tỉnh ủy"]],
        sign_authority=Authority.TM, sign_on_behalf="ĐẢNG ỦY", sign_title="BÍ THƯ",
        sign_name="Chẩu Văn Lâm")
    created += [decision, military_resolution]

    # Issued before the rehearsals: an open decision with its number.
    committee_decision = create(
        title="Về việc thành lập Ban Tổ chức diễn tập khu vực phòng thủ tỉnh Tuyên Quang năm 2023",
        doc_type=DocType.DECISION, owner_body=body["UBND tỉnh"], due_date=date(2023, 5, 31),
        recipients=[body["Bộ CHQS tỉnh"], body["Công an tỉnh"], body["VP UBND tỉnh"]],
        sign_authority=Authority.KT, sign_on_behalf="CHỦ TỊCH", sign_title="PHÓ CHỦ TỊCH",
        sign_name="Trần Thị An")
    services.version_write(committee_decision, acting_user=organizer, text=DECISION_TEXT)
    committee_decision = _walk(committee_decision, (organizer, S.SUBMITTED),
                               (organizer, S.UNDER_REVIEW), (organizer, S.APPROVED))
    committee_decision = services.document_issue(committee_decision, acting_user=organizer,
                                                 issued_date=date(2023, 5, 5))
    created.append(committee_decision)
    return created
