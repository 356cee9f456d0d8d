from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from dientap.conferences.models import Holding
from dientap.core.models import AuditEntry
from dientap.demo import seed
from dientap.exercises.models import Exercise, Membership, Round
from dientap.organizations.models import Person

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def exercise(db):
    return seed.load()


def _user(username):
    return get_user_model().objects.get(username=username)


def test_demo_loads_tuyen_quang_exercise(exercise):
    exercise.refresh_from_db()
    assert exercise.code_name == "TQ-23"
    assert exercise.name == "Diễn tập khu vực phòng thủ tỉnh Tuyên Quang năm 2023"
    assert exercise.status == Exercise.Status.REHEARSING
    assert exercise.area.name == "Tỉnh Tuyên Quang"
    assert (exercise.start_date, exercise.end_date) == (date(2023, 9, 19), date(2023, 10, 31))
    assert set(Exercise.objects.values_list("code_name", flat=True)) == {"TQ-23", "PT-23"}
    assert exercise.committees.count() == 5
    assert exercise.frame.filter(body__short_name="UBND tỉnh").exists()


def test_chau_van_lam_holds_the_four_posts_of_the_article(exercise):
    lam = Person.objects.get(full_name="Chẩu Văn Lâm")
    posts = {(p.title, p.body.name, p.is_head) for p in lam.posts.select_related("body")}
    assert posts == {
        ("Ủy viên Ban Chấp hành Trung ương Đảng",
         "Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam", False),
        ("Bí thư Tỉnh ủy", "Tỉnh ủy Tuyên Quang", True),
        ("Trưởng Đoàn đại biểu Quốc hội tỉnh", "Đoàn đại biểu Quốc hội tỉnh Tuyên Quang", True),
        ("Bí thư Đảng ủy Quân sự tỉnh", "Đảng ủy Quân sự tỉnh", True),
    }


def test_round_one_holds_the_three_conferences_in_time_order(exercise):
    rnd = exercise.rounds.get(kind=Round.Kind.REHEARSAL, number=1)
    assert (rnd.start_date, rnd.end_date) == (date(2023, 9, 19), date(2023, 9, 19))
    holdings = list(Holding.objects.filter(round=rnd).select_related(
        "conference__body", "conference__chair_post__person").order_by("starts_at"))
    assert [h.conference.body.name for h in holdings] == [
        "Ban Chấp hành Đảng bộ tỉnh",
        "Hội đồng nhân dân tỉnh Tuyên Quang",
        "Đảng ủy Quân sự tỉnh",
    ]
    assert [h.conference.chair_post.title for h in holdings] == [
        "Bí thư Tỉnh ủy", "Chủ tịch Hội đồng nhân dân tỉnh", "Bí thư Đảng ủy Quân sự tỉnh",
    ]
    assert [h.conference.chair_post.person.full_name for h in holdings] == [
        "Chẩu Văn Lâm", "Lê Thị Kim Dung", "Chẩu Văn Lâm",
    ]
    assert holdings[0].starts_at == datetime(2023, 9, 19, 8, 30, tzinfo=TZ)
    assert holdings[1].starts_at == datetime(2023, 9, 19, 10, 15, tzinfo=TZ)
    assert holdings[2].starts_at == datetime(2023, 9, 19, 14, 0, tzinfo=TZ)
    for earlier, later in zip(holdings, holdings[1:], strict=False):
        assert earlier.ends_at <= later.starts_at


def test_every_demo_account_authenticates_with_its_printed_password(exercise):
    assert {a.username for a in seed.DEMO_ACCOUNTS} == {
        "admin", "bantochuc", "daodien", "ubnd", "theodoi", "quankhu",
    }
    for account in seed.DEMO_ACCOUNTS:
        user = authenticate(username=account.username, password=account.password)
        assert user is not None, account.username
        assert user.username == account.username
    assert authenticate(username="admin", password="wrong-password") is None


def test_demo_accounts_have_their_roles(exercise):
    admin = _user("admin")
    assert admin.is_superuser and admin.is_staff
    roles = dict(Membership.objects.filter(exercise=exercise)
                 .values_list("user__username", "role"))
    assert roles == {
        "bantochuc": Membership.Role.ORGANIZER,
        "daodien": Membership.Role.DIRECTOR,
        "ubnd": Membership.Role.FRAME,
        "theodoi": Membership.Role.OBSERVER,
    }
    organizer = _user("bantochuc")
    assert organizer.body.short_name == "Bộ CHQS tỉnh"
    assert organizer.person is not None
    assert organizer.has_perm("organizations.change_person")
    assert organizer.has_perm("exercises.add_exercise")
    assert not organizer.has_perm("exercises.delete_exercise")
    assert _user("quankhu").inspected_area.name == "Quân khu 2"


def test_audit_log_records_the_exercise(exercise):
    entries = AuditEntry.objects.filter(exercise_id=exercise.pk)
    assert entries.filter(action="create", object_id=str(exercise.pk)).exists()
    # Committees, frame, rounds, conferences and holdings are logged under the exercise too.
    assert entries.count() > 50
    assert entries.filter(content_type__model="holding", action="create").count() == 6


def test_load_if_empty_loads_once(db):
    assert seed.load_if_empty() is True
    counts = (Exercise.objects.count(), get_user_model().objects.count(), Person.objects.count())
    assert seed.load_if_empty() is False
    assert (
        Exercise.objects.count(), get_user_model().objects.count(), Person.objects.count()
    ) == counts


def test_load_if_empty_refuses_when_a_user_exists(db):
    get_user_model().objects.create_user("someone", password="x")
    assert seed.load_if_empty() is False
    assert not Exercise.objects.exists()


def test_people_sort_in_vietnamese_order(exercise):
    names = list(Person.objects.filter(full_name__in=[
        "Trần Thị An", "Lý Văn Ân", "Nguyễn Văn An", "Đỗ Văn An", "Bùi Quang Anh", "Ma Thị Ánh",
    ]).values_list("full_name", flat=True))
    assert names == [
        "Đỗ Văn An", "Nguyễn Văn An", "Trần Thị An", "Bùi Quang Anh", "Ma Thị Ánh", "Lý Văn Ân",
    ]


def test_scoping_frame_user_versus_inspector(exercise):
    ubnd = _user("ubnd")
    seen = set(Exercise.objects.restrict(ubnd, "view").values_list("code_name", flat=True))
    assert seen == {"TQ-23"}
    inspector = _user("quankhu")
    seen = set(Exercise.objects.restrict(inspector, "view").values_list("code_name", flat=True))
    assert seen == {"TQ-23", "PT-23"}


def test_load_demo_command(db, capsys):
    call_command("load_demo")
    assert "bantochuc" in capsys.readouterr().out
    assert Exercise.objects.filter(code_name="TQ-23").exists()
    with pytest.raises(CommandError):
        call_command("load_demo")
