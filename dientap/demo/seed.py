"""Demo data: the 2023 defence-zone exercise of Tuyên Quang province (TQ-23).

Drawn from the seed article (first rehearsal of the mechanism part, 19 September 2023) and
the typical exercise skeleton. Only the two people named in the article are real: Chẩu Văn
Lâm and Lê Thị Kim Dung, with the posts the article gives them. Every other person is
FICTIONAL: plausible Vietnamese names chosen to exercise Vietnamese sorting (several people
share a given name, e.g. An / Anh / Ánh / Ân / Đức, with different family names).

Everything is created through the domain services, so the audit log records it; the demo
loader acts as "system" (acting_user=None) unless told otherwise.
"""

from collections import namedtuple
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dientap.accounts.models import Clearance
from dientap.accounts.services import user_create
from dientap.conferences import demo as conference_demo
from dientap.conferences import services as conferences
from dientap.conferences.models import Conference
from dientap.core import audit
from dientap.core import services as core_services
from dientap.documents import demo as documents_demo
from dientap.exercises import services as exercises
from dientap.exercises.models import Committee, Exercise, FrameParticipant, Membership, Round
from dientap.organizations import services as organizations
from dientap.organizations.models import Body
from dientap.oversight import demo as oversight_demo
from dientap.scenarios import demo as scenario_demo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DemoAccount = namedtuple("DemoAccount", "username password description")

DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("admin", "QuanTri#2023", _("administrator")),
    DemoAccount("bantochuc", "KeHoach@1909", _("Organizing Committee staff")),
    DemoAccount("daodien", "TinhHuong@2023", _("director")),
    DemoAccount("ubnd", "ChinhQuyen@23", _("frame member (People's Committee)")),
    DemoAccount("theodoi", "DanhGia#2023", _("observer / evaluator")),
    DemoAccount("quankhu", "KiemTra@QK2", _("inspector, Military Region 2")),
]

ORGANIZER_GROUP = "Cán bộ Ban Tổ chức"
_ORGANIZER_PERMISSIONS = [
    ("organizations", "add_person"),
    ("organizations", "change_person"),
    ("organizations", "view_person"),
    ("organizations", "add_post"),
    ("organizations", "change_post"),
    ("organizations", "view_post"),
    ("organizations", "add_body"),
    ("organizations", "change_body"),
    ("organizations", "view_body"),
    ("exercises", "add_exercise"),
]

THEME = (
    "Chuyển lực lượng vũ trang vào các trạng thái sẵn sàng chiến đấu; chuyển địa phương vào "
    "các trạng thái quốc phòng; chuẩn bị và thực hành tác chiến phòng thủ, bảo vệ vững chắc "
    "địa bàn tỉnh."
)
FORM = "1 bên 2 cấp, trên bản đồ và thực địa, có một phần thực binh"

# (code, name, rank)
LEVELS = [
    ("national", "Toàn quốc", 0),
    ("military_region", "Quân khu", 1),
    ("province", "Tỉnh, thành phố", 2),
    ("defence_region", "Khu vực phòng thủ", 3),
    ("commune", "Xã, phường", 4),
]

# (key, name, code, level, parent key)
AREAS = [
    ("vn", "Việt Nam", "VN", "national", None),
    ("qk2", "Quân khu 2", "QK2", "military_region", "vn"),
    ("tq", "Tỉnh Tuyên Quang", "TQ", "province", "qk2"),
    ("kv1", "Khu vực phòng thủ 1", "KV1", "defence_region", "tq"),
    ("minh_xuan", "Phường Minh Xuân", "", "commune", "kv1"),
    ("an_tuong", "Xã An Tường", "", "commune", "kv1"),
    ("pt", "Tỉnh Phú Thọ", "PT", "province", "qk2"),
]

K = Body.Kind
# (key, name, short name, kind, area key, parent key, sort order); parents come first.
BODIES = [
    ("bch_tw", "Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam", "BCH Trung ương Đảng",
     K.PARTY, "vn", None, 10),
    ("btl_qk2", "Bộ Tư lệnh Quân khu 2", "BTL Quân khu 2", K.MILITARY, "qk2", None, 2000),
    ("tinh_uy", "Tỉnh ủy Tuyên Quang", "Tỉnh ủy", K.PARTY, "tq", None, 100),
    ("bch_db", "Ban Chấp hành Đảng bộ tỉnh", "BCH Đảng bộ tỉnh", K.PARTY, "tq", "tinh_uy", 110),
    ("btv", "Ban Thường vụ Tỉnh ủy", "BTV Tỉnh ủy", K.PARTY, "tq", "tinh_uy", 120),
    ("hdnd", "Hội đồng nhân dân tỉnh Tuyên Quang", "HĐND tỉnh", K.COUNCIL, "tq", None, 200),
    ("ubnd", "Ủy ban nhân dân tỉnh Tuyên Quang", "UBND tỉnh", K.COMMITTEE, "tq", None, 300),
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Ủy ban MTTQ tỉnh", K.MASS_ORGANISATION,
     "tq", None, 400),
    ("dbqh", "Đoàn đại biểu Quốc hội tỉnh Tuyên Quang", "Đoàn ĐBQH tỉnh", K.NATIONAL_ASSEMBLY,
     "tq", None, 450),
    ("duqs", "Đảng ủy Quân sự tỉnh", "Đảng ủy Quân sự tỉnh", K.PARTY, "tq", "tinh_uy", 500),
    ("bchqs", "Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", "Bộ CHQS tỉnh", K.MILITARY, "tq",
     "btl_qk2", 510),
    ("cong_an", "Công an tỉnh Tuyên Quang", "Công an tỉnh", K.POLICE, "tq", None, 600),
    ("hdcc", "Hội đồng cung cấp tỉnh", "HĐCC tỉnh", K.SPECIAL_COUNCIL, "tq", None, 700),
    ("vp_tu", "Văn phòng Tỉnh ủy", "VP Tỉnh ủy", K.PARTY, "tq", "tinh_uy", 800),
    ("vp_ubnd", "Văn phòng UBND tỉnh", "VP UBND tỉnh", K.DEPARTMENT, "tq", "ubnd", 810),
    ("so_tc", "Sở Tài chính", "", K.DEPARTMENT, "tq", "ubnd", 900),
    ("so_yt", "Sở Y tế", "", K.DEPARTMENT, "tq", "ubnd", 910),
    ("so_ct", "Sở Công Thương", "", K.DEPARTMENT, "tq", "ubnd", 920),
    ("so_xd", "Sở Xây dựng", "", K.DEPARTMENT, "tq", "ubnd", 930),
    ("so_nnmt", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", K.DEPARTMENT, "tq", "ubnd", 940),
    ("so_vhttdl", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL", K.DEPARTMENT, "tq", "ubnd",
     950),
    ("so_khcn", "Sở Khoa học và Công nghệ", "Sở KH&CN", K.DEPARTMENT, "tq", "ubnd", 960),
    ("so_nv", "Sở Nội vụ", "", K.DEPARTMENT, "tq", "ubnd", 970),
    ("dai_ptth", "Đài Phát thanh và Truyền hình tỉnh", "Đài PT-TH tỉnh", K.DEPARTMENT, "tq",
     "ubnd", 980),
    ("bchpt_kv1", "Ban Chỉ huy phòng thủ khu vực 1", "Ban CHPT khu vực 1", K.MILITARY, "kv1",
     "bchqs", 1000),
    ("ubnd_pt", "Ủy ban nhân dân tỉnh Phú Thọ", "UBND tỉnh Phú Thọ", K.COMMITTEE, "pt", None,
     300),
]  # fmt: skip

# (key, full name, rank, [(post key, body key, title, is head)]); post keys name the posts
# that committees, the frame and conferences refer to.
PEOPLE = [
    ("lam", "Chẩu Văn Lâm", "", [
        ("lam_tw", "bch_tw", "Ủy viên Ban Chấp hành Trung ương Đảng", False),
        ("lam_bt", "tinh_uy", "Bí thư Tỉnh ủy", True),
        ("lam_dbqh", "dbqh", "Trưởng Đoàn đại biểu Quốc hội tỉnh", True),
        ("lam_duqs", "duqs", "Bí thư Đảng ủy Quân sự tỉnh", True),
    ]),
    ("dung", "Lê Thị Kim Dung", "", [
        ("dung_pbt", "tinh_uy", "Phó Bí thư Thường trực Tỉnh ủy", False),
        ("dung_hdnd", "hdnd", "Chủ tịch Hội đồng nhân dân tỉnh", True),
    ]),
    # Fictional from here on.
    ("an", "Nguyễn Văn An", "", [
        ("an_ubnd", "ubnd", "Chủ tịch Ủy ban nhân dân tỉnh", True),
        ("an_hdcc", "hdcc", "Chủ tịch Hội đồng cung cấp tỉnh", True),
    ]),
    ("tran_an", "Trần Thị An", "", [
        ("tran_an_ubnd", "ubnd", "Phó Chủ tịch Ủy ban nhân dân tỉnh", False),
    ]),
    ("viet", "Đặng Quốc Việt", "Đại tá", [
        ("viet_cht", "bchqs", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", True),
    ]),
    ("hoang_duc", "Hoàng Văn Đức", "Đại tá", [
        ("hoang_duc_cu", "bchqs", "Chính ủy Bộ Chỉ huy Quân sự tỉnh", False),
    ]),
    ("pham_duc", "Phạm Minh Đức", "Thượng tá", [
        ("pham_duc_tmt", "bchqs", "Phó Chỉ huy trưởng, Tham mưu trưởng Bộ CHQS tỉnh", False),
    ]),
    ("dinh_anh", "Đinh Công Anh", "Thiếu tá", [
        ("dinh_anh_tl", "bchqs", "Trợ lý Tác chiến, Phòng Tham mưu Bộ CHQS tỉnh", False),
    ]),
    ("thang", "Vũ Hữu Thắng", "Đại tá", [
        ("thang_gd", "cong_an", "Giám đốc Công an tỉnh", True),
    ]),
    ("ha", "Nông Thị Hà", "", [
        ("ha_cvp", "vp_tu", "Chánh Văn phòng Tỉnh ủy", True),
    ]),
    ("ly_an", "Lý Văn Ân", "", [
        ("ly_an_cvp", "vp_ubnd", "Chánh Văn phòng UBND tỉnh", True),
    ]),
    ("bich", "Hoàng Thị Bích", "", [
        ("bich_gd", "so_tc", "Giám đốc Sở Tài chính", True),
    ]),
    ("ma_anh", "Ma Thị Ánh", "", [
        ("ma_anh_gd", "so_yt", "Giám đốc Sở Y tế", True),
    ]),
    ("do_an", "Đỗ Văn An", "", [
        ("do_an_gd", "so_ct", "Giám đốc Sở Công Thương", True),
    ]),
    ("bui_anh", "Bùi Quang Anh", "", [
        ("bui_anh_gd", "so_xd", "Giám đốc Sở Xây dựng", True),
    ]),
    ("luong_anh", "Lương Thị Ánh", "", [
        ("luong_anh_pgd", "so_nnmt", "Phó Giám đốc Sở Nông nghiệp và Môi trường", False),
    ]),
    ("hang", "Phùng Thị Hằng", "", [
        ("hang_gd", "so_vhttdl", "Giám đốc Sở Văn hóa, Thể thao và Du lịch", True),
    ]),
    ("khoi", "Tạ Đình Khôi", "", [
        ("khoi_gd", "so_khcn", "Giám đốc Sở Khoa học và Công nghệ", True),
    ]),
    ("trieu_an", "Triệu Văn Ân", "", [
        ("trieu_an_gd", "so_nv", "Giám đốc Sở Nội vụ", True),
    ]),
    ("mai", "Âu Thị Mai", "", [
        ("mai_ct", "mttq", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", True),
    ]),
    ("binh", "Hà Văn Bình", "", [
        ("binh_gd", "dai_ptth", "Giám đốc Đài Phát thanh và Truyền hình tỉnh", True),
    ]),
    ("cuong", "Nguyễn Mạnh Cường", "Thượng tá", [
        ("cuong_cht", "bchpt_kv1", "Chỉ huy trưởng Ban Chỉ huy phòng thủ khu vực 1", True),
    ]),
    ("hoa", "Phan Văn Hòa", "", [
        ("hoa_ubnd", "ubnd_pt", "Chủ tịch Ủy ban nhân dân tỉnh Phú Thọ", True),
    ]),
]  # fmt: skip

CK = Committee.Kind
# (kind, name, [(person key, position, post key or None)])
COMMITTEES = [
    (CK.STEERING, "Ban Chỉ đạo diễn tập khu vực phòng thủ tỉnh", [
        ("lam", "Trưởng ban", "lam_bt"),
        ("viet", "Phó Trưởng ban thường trực", "viet_cht"),
        ("dung", "Phó Trưởng ban", "dung_hdnd"),
        ("an", "Phó Trưởng ban", "an_ubnd"),
        ("hoang_duc", "Ủy viên", "hoang_duc_cu"),
        ("thang", "Ủy viên", "thang_gd"),
    ]),
    (CK.ORGANIZING, "Ban Tổ chức diễn tập khu vực phòng thủ tỉnh", [
        ("an", "Trưởng ban", "an_ubnd"),
        ("viet", "Phó Trưởng ban thường trực", "viet_cht"),
        ("pham_duc", "Ủy viên", "pham_duc_tmt"),
        ("thang", "Ủy viên", "thang_gd"),
        ("ha", "Ủy viên", "ha_cvp"),
        ("ly_an", "Ủy viên", "ly_an_cvp"),
        ("bich", "Ủy viên", "bich_gd"),
    ]),
    (CK.STANDING, "Cơ quan thường trực Ban Tổ chức (Bộ CHQS tỉnh)", [
        ("viet", "Trưởng cơ quan thường trực", "viet_cht"),
        ("pham_duc", "Phó Trưởng cơ quan thường trực", "pham_duc_tmt"),
        ("dinh_anh", "Thành viên", "dinh_anh_tl"),
    ]),
    (CK.DIRECTING, "Ban Đạo diễn", [
        ("pham_duc", "Trưởng Ban Đạo diễn", "pham_duc_tmt"),
        ("ha", "Ủy viên (khối Đảng)", "ha_cvp"),
        ("ly_an", "Ủy viên (khối chính quyền)", "ly_an_cvp"),
        ("dinh_anh", "Ủy viên (khối quân sự)", "dinh_anh_tl"),
    ]),
    (CK.WORKING_GROUP, "Tổ văn kiện", [
        ("dinh_anh", "Tổ trưởng", "dinh_anh_tl"),
        ("ha", "Tổ viên", None),
        ("ly_an", "Tổ viên", None),
    ]),
]  # fmt: skip

FR = FrameParticipant.Role
# (body key, person key or None, post key or None, role, notes)
FRAME = [
    ("tinh_uy", "lam", "lam_bt", FR.CHAIR,
     "Chủ trì Hội nghị Ban Chấp hành Đảng bộ tỉnh, Ban Thường vụ Tỉnh ủy"),
    ("tinh_uy", "dung", "dung_pbt", FR.MEMBER, ""),
    ("bch_db", None, None, FR.MEMBER, ""),
    ("btv", None, None, FR.MEMBER, ""),
    ("hdnd", "dung", "dung_hdnd", FR.CHAIR, "Chủ trì kỳ họp chuyên đề HĐND tỉnh"),
    ("hdnd", None, None, FR.MEMBER, "Thường trực HĐND tỉnh"),
    ("ubnd", "an", "an_ubnd", FR.CHAIR, "Chủ trì phiên họp UBND tỉnh"),
    ("ubnd", "tran_an", "tran_an_ubnd", FR.MEMBER, ""),
    ("mttq", "mai", "mai_ct", FR.MEMBER, ""),
    ("duqs", "lam", "lam_duqs", FR.CHAIR, "Chủ trì Hội nghị Đảng ủy Quân sự tỉnh"),
    ("bchqs", None, None, FR.ADVISORY, "Tham mưu về quốc phòng, quân sự"),
    ("bchqs", "viet", "viet_cht", FR.ADVISORY, ""),
    ("bchqs", "hoang_duc", "hoang_duc_cu", FR.MEMBER, ""),
    ("bchqs", "pham_duc", "pham_duc_tmt", FR.DIRECTOR, "Trưởng Ban Đạo diễn"),
    ("bchqs", "dinh_anh", "dinh_anh_tl", FR.SECRETARY, "Thư ký Ban Tổ chức"),
    ("cong_an", None, None, FR.ADVISORY, "Tham mưu về an ninh chính trị, trật tự an toàn xã hội"),
    ("cong_an", "thang", "thang_gd", FR.ADVISORY, ""),
    ("hdcc", "an", "an_hdcc", FR.CHAIR, "Chủ trì Hội nghị Hội đồng cung cấp tỉnh"),
    ("vp_tu", "ha", "ha_cvp", FR.SECRETARY, ""),
    ("vp_ubnd", "ly_an", "ly_an_cvp", FR.SECRETARY, ""),
    ("so_tc", "bich", "bich_gd", FR.ADVISORY, "Tham mưu bảo đảm kinh phí, hậu cần"),
    ("so_yt", "ma_anh", "ma_anh_gd", FR.MEMBER, ""),
    ("so_ct", "do_an", "do_an_gd", FR.MEMBER, ""),
    ("so_xd", "bui_anh", "bui_anh_gd", FR.MEMBER, ""),
    ("so_nnmt", "luong_anh", "luong_anh_pgd", FR.MEMBER, ""),
    ("so_vhttdl", "hang", "hang_gd", FR.MEMBER, ""),
    ("so_khcn", "khoi", "khoi_gd", FR.MEMBER, ""),
    ("so_nv", "trieu_an", "trieu_an_gd", FR.MEMBER, ""),
    ("dai_ptth", "binh", "binh_gd", FR.MEMBER, ""),
    ("bchpt_kv1", "cuong", "cuong_cht", FR.MEMBER, ""),
    ("btl_qk2", None, None, FR.OBSERVER, "Kiểm tra, theo dõi của Quân khu"),
]  # fmt: skip

RK = Round.Kind
# (kind, number, start, end)
ROUNDS = [
    (RK.REHEARSAL, 1, date(2023, 9, 19), date(2023, 9, 19)),
    (RK.REHEARSAL, 2, date(2023, 10, 3), date(2023, 10, 3)),
    (RK.PRELIMINARY, 1, date(2023, 10, 17), date(2023, 10, 17)),
    (RK.FINAL, 1, date(2023, 10, 24), date(2023, 10, 24)),
    (RK.LIVE, 1, date(2023, 10, 30), date(2023, 10, 31)),
]

# (body key, title, kind, chair post key, output, location, (start h, m), (end h, m))
CONFERENCES = [
    ("bch_db",
     "Hội nghị Ban Chấp hành Đảng bộ tỉnh ra nghị quyết lãnh đạo chuyển địa phương sang "
     "thời chiến",
     Conference.Kind.CONFERENCE, "lam_bt",
     "Nghị quyết lãnh đạo chuyển địa phương sang thời chiến",
     "Hội trường Tỉnh ủy", (8, 30), (10, 0)),
    ("hdnd",
     "Kỳ họp chuyên đề Hội đồng nhân dân tỉnh ra nghị quyết chuyển địa phương sang thời chiến",
     Conference.Kind.COUNCIL_SESSION, "dung_hdnd",
     "Nghị quyết chuyển địa phương sang thời chiến",
     "Hội trường HĐND tỉnh", (10, 15), (11, 30)),
    ("duqs",
     "Hội nghị Đảng ủy Quân sự tỉnh thông qua Quyết tâm tác chiến phòng thủ điều chỉnh của "
     "Chỉ huy trưởng Bộ Chỉ huy quân sự tỉnh",
     Conference.Kind.CONFERENCE, "lam_duqs",
     "Nghị quyết thông qua Quyết tâm tác chiến phòng thủ điều chỉnh",
     "Sở chỉ huy Bộ CHQS tỉnh", (14, 0), (15, 30)),
]  # fmt: skip
# The conferences are held in these rounds (kind, number).
HELD_IN = [(RK.REHEARSAL, 1), (RK.REHEARSAL, 2)]

# username -> (body key, person key, clearance, inspected area key, exercise role)
_ACCOUNT_SETUP = {
    "admin": (None, None, Clearance.TOP_SECRET, None, None),
    "bantochuc": ("bchqs", "dinh_anh", Clearance.SECRET, None, Membership.Role.ORGANIZER),
    "daodien": ("bchqs", "pham_duc", Clearance.SECRET, None, Membership.Role.DIRECTOR),
    "ubnd": ("ubnd", "tran_an", Clearance.CONFIDENTIAL, None, Membership.Role.FRAME),
    "theodoi": ("bchqs", None, Clearance.CONFIDENTIAL, None, Membership.Role.OBSERVER),
    "quankhu": ("btl_qk2", None, Clearance.SECRET, "qk2", None),
}


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _organizer_group(acting_user) -> Group:
    group = core_services.create(Group, acting_user=acting_user, name=ORGANIZER_GROUP)
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in _ORGANIZER_PERMISSIONS
    ]
    group.permissions.set(permissions)
    # Many-to-many changes are outside the generic services: record them explicitly.
    audit.record("update", group, acting_user=acting_user, before={"permissions": []},
                 after={"permissions": [f"{app}.{code}" for app, code in _ORGANIZER_PERMISSIONS]})
    return group


def _organizations(acting_user):
    levels = {
        code: organizations.level_create(acting_user=acting_user, code=code, name=name, rank=rank)
        for code, name, rank in LEVELS
    }
    areas = {}
    for key, name, code, level, parent in AREAS:
        areas[key] = organizations.area_create(
            acting_user=acting_user, name=name, code=code, level=levels[level],
            parent=areas[parent] if parent else None,
        )
    bodies = {}
    for key, name, short_name, kind, area, parent, order in BODIES:
        bodies[key] = organizations.body_create(
            acting_user=acting_user, name=name, short_name=short_name, kind=kind,
            area=areas[area], parent=bodies[parent] if parent else None, sort_order=order,
        )
    people, posts = {}, {}
    for key, full_name, rank, held in PEOPLE:
        person = organizations.person_create(acting_user=acting_user, full_name=full_name,
                                             rank=rank)
        people[key] = person
        for order, (post_key, body, title, is_head) in enumerate(held, start=1):
            posts[post_key] = organizations.post_create(
                acting_user=acting_user, person=person, body=bodies[body], title=title,
                is_head=is_head, sort_order=order * 10,
            )
    return areas, bodies, people, posts


def _tuyen_quang_exercise(acting_user, areas, bodies, people, posts) -> Exercise:
    exercise = exercises.exercise_create(
        acting_user=acting_user,
        code_name="TQ-23",
        name="Diễn tập khu vực phòng thủ tỉnh Tuyên Quang năm 2023",
        theme=THEME,
        area=areas["tq"],
        kind=Exercise.Kind.DEFENCE_ZONE,
        form=FORM,
        start_date=date(2023, 9, 19),
        end_date=date(2023, 10, 31),
        status=Exercise.Status.PLANNING,
    )
    for status in (Exercise.Status.PREPARING, Exercise.Status.REHEARSING):
        exercise = exercises.exercise_change_status(exercise, acting_user=acting_user,
                                                    status=status)

    for c_order, (kind, name, members) in enumerate(COMMITTEES, start=1):
        committee = exercises.committee_create(exercise, acting_user=acting_user, kind=kind,
                                               name=name, sort_order=c_order * 10)
        for m_order, (person, position, post) in enumerate(members, start=1):
            exercises.committee_member_add(
                committee, acting_user=acting_user, person=people[person], position=position,
                post=posts[post] if post else None, sort_order=m_order * 10,
            )

    for body, person, post, role, notes in FRAME:
        exercises.frame_participant_add(
            exercise, acting_user=acting_user, body=bodies[body],
            person=people[person] if person else None, post=posts[post] if post else None,
            role=role, notes=notes,
        )

    rounds = {}
    for kind, number, start, end in ROUNDS:
        rounds[(kind, number)] = exercises.round_create(
            exercise, acting_user=acting_user, kind=kind, number=number, start_date=start,
            end_date=end,
        )

    for order, (body, title, kind, chair, output, location, start, end) in enumerate(
        CONFERENCES, start=1
    ):
        conference = conferences.conference_create(
            exercise, acting_user=acting_user, body=bodies[body], title=title, kind=kind,
            chair_post=posts[chair], output=output, location=location, sort_order=order * 10,
        )
        for round_key in HELD_IN:
            rnd = rounds[round_key]
            conferences.holding_create(
                conference, acting_user=acting_user, round=rnd,
                starts_at=_at(rnd.start_date, *start), ends_at=_at(rnd.start_date, *end),
            )
    return exercise


def _phu_tho_exercise(acting_user, areas, bodies, people, posts) -> Exercise:
    exercise = exercises.exercise_create(
        acting_user=acting_user,
        code_name="PT-23",
        name="Diễn tập khu vực phòng thủ tỉnh Phú Thọ năm 2023",
        theme=THEME,
        area=areas["pt"],
        kind=Exercise.Kind.DEFENCE_ZONE,
        form=FORM,
        start_date=date(2023, 11, 7),
        end_date=date(2023, 11, 16),
        status=Exercise.Status.PREPARING,
    )
    exercises.frame_participant_add(exercise, acting_user=acting_user, body=bodies["ubnd_pt"],
                                    person=people["hoa"], post=posts["hoa_ubnd"],
                                    role=FR.CHAIR)
    exercises.round_create(exercise, acting_user=acting_user, kind=RK.REHEARSAL, number=1,
                           start_date=date(2023, 11, 7), end_date=date(2023, 11, 7))
    return exercise


def _accounts(acting_user, areas, bodies, people, exercise, organizer_group):
    users = {}
    for account in DEMO_ACCOUNTS:
        body, person, clearance, inspected, _role = _ACCOUNT_SETUP[account.username]
        superuser = account.username == "admin"
        users[account.username] = user_create(
            acting_user=acting_user,
            username=account.username,
            password=account.password,
            is_superuser=superuser,
            is_staff=superuser,
            body=bodies[body] if body else None,
            person=people[person] if person else None,
            clearance=clearance,
            inspected_area=areas[inspected] if inspected else None,
        )
    organizer = users["bantochuc"]
    organizer.groups.add(organizer_group)
    audit.record("update", organizer, acting_user=acting_user, before={"groups": []},
                 after={"groups": [organizer_group.name]})
    for username, (*_rest, role) in _ACCOUNT_SETUP.items():
        if role:
            exercises.membership_grant(exercise, acting_user=acting_user, user=users[username],
                                       role=role)
    return users


def load(acting_user=None) -> Exercise:
    """Create the whole demo (levels to accounts) and return the TQ-23 exercise."""
    with transaction.atomic():
        areas, bodies, people, posts = _organizations(acting_user)
        organizer_group = _organizer_group(acting_user)
        exercise = _tuyen_quang_exercise(acting_user, areas, bodies, people, posts)
        _phu_tho_exercise(acting_user, areas, bodies, people, posts)
        _accounts(acting_user, areas, bodies, people, exercise, organizer_group)
        documents_demo.load(exercise, acting_user=acting_user)
        conference_demo.load(exercise, acting_user)
        oversight_demo.load(exercise, acting_user=acting_user)
        scenario_demo.load(exercise, acting_user=acting_user)
        from dientap.reports import demo as reports_demo  # reports read all of the above
        reports_demo.load(exercise, acting_user=acting_user)
    return exercise


def load_if_empty() -> bool:
    """Load the demo into an empty database (no exercise, no user); tell whether it did."""
    with transaction.atomic():
        if Exercise.objects.exists() or get_user_model().objects.exists():
            return False
        load()
    return True
