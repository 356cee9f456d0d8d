"""Pages and forms: validation in the user's language, nothing saved on bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from conftest import main_html
from dientap.core.models import AuditEntry
from dientap.exercises.models import Committee, Exercise, FrameParticipant, Round


@pytest.fixture
def organizer_client(client, world):
    client.force_login(world.organizer)
    return client


def exercise_form(world, **over):
    data = {"code_name": "TQ-28", "name": "Diễn tập KVPT tỉnh Tuyên Quang năm 2028",
            "theme": "Chuyển địa phương sang thời chiến", "area": world.tq.pk,
            "kind": "defence_zone", "form": "1 bên 2 cấp", "start_date": "15/09/2028",
            "end_date": "30/10/2028"}
    data.update(over)
    return data


def test_create_exercise_with_vietnamese_dates(organizer_client, world):
    response = organizer_client.post(reverse("exercises:create"), exercise_form(world))
    exercise = Exercise.objects.get(code_name="TQ-28")
    assert response.status_code == 302 and response.url == exercise.get_absolute_url()
    assert exercise.start_date == dt.date(2028, 9, 15)
    # the creator may run it
    assert exercise.memberships.filter(user=world.organizer, role="organizer").exists()
    assert AuditEntry.objects.filter(exercise_id=exercise.pk, action="create").exists()


def test_invalid_exercise_form_shows_errors_in_vietnamese_and_saves_nothing(
        organizer_client, world):
    before = Exercise.objects.count(), AuditEntry.objects.count()
    response = organizer_client.post(reverse("exercises:create"), exercise_form(
        world, code_name="", start_date="31/02/2028", end_date="01/01/2028"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trường này là bắt buộc." in html  # Django's own Vietnamese message
    assert "Nhập một ngày hợp lệ." in html or "Nhập ngày hợp lệ." in html
    assert (Exercise.objects.count(), AuditEntry.objects.count()) == before
    # the user's input is kept
    assert "Diễn tập KVPT tỉnh Tuyên Quang năm 2028" in html


def test_end_before_start_is_refused(organizer_client, world):
    response = organizer_client.post(reverse("exercises:create"), exercise_form(
        world, start_date="30/10/2028", end_date="15/09/2028"))
    assert response.status_code == 200
    assert not Exercise.objects.filter(code_name="TQ-28").exists()


def test_duplicate_code_name_is_refused(organizer_client, world):
    response = organizer_client.post(reverse("exercises:create"),
                                     exercise_form(world, code_name="TQ-23"))
    assert response.status_code == 200
    assert Exercise.objects.filter(code_name="TQ-23").count() == 1


def test_user_without_permission_cannot_create(client, world):
    client.force_login(world.observer)
    assert client.get(reverse("exercises:create")).status_code == 403


def test_stale_edit_is_refused_and_input_kept(organizer_client, world):
    url = reverse("exercises:edit", args=[world.tq23.pk])
    first = exercise_form(world, code_name="TQ-23", name="Tên thứ nhất",
                          version=world.tq23.version)
    second = exercise_form(world, code_name="TQ-23", name="Tên thứ hai",
                           version=world.tq23.version)
    assert organizer_client.post(url, first).status_code == 302
    response = organizer_client.post(url, second)
    assert response.status_code == 200
    assert "Tên thứ hai" in response.content.decode()  # input kept on screen
    assert Exercise.objects.get(pk=world.tq23.pk).name == "Tên thứ nhất"  # not overwritten


def test_overview_shows_rounds_with_conferences_in_time_order(organizer_client, world):
    from dientap.conferences import services as cs
    from dientap.exercises import services as es

    tz = dt.timezone(dt.timedelta(hours=7))
    rnd = es.round_create(world.tq23, acting_user=None, kind="rehearsal", number=1,
                          start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    later = cs.conference_create(world.tq23, acting_user=None, body=world.bchqs,
                                 title="Hội nghị Đảng ủy Quân sự tỉnh")
    earlier = cs.conference_create(world.tq23, acting_user=None, body=world.tinh_uy,
                                   title="Hội nghị Ban Chấp hành Đảng bộ tỉnh")
    cs.holding_create(later, acting_user=None, round=rnd,
                      starts_at=dt.datetime(2023, 9, 19, 14, 0, tzinfo=tz),
                      ends_at=dt.datetime(2023, 9, 19, 15, 30, tzinfo=tz))
    cs.holding_create(earlier, acting_user=None, round=rnd,
                      starts_at=dt.datetime(2023, 9, 19, 8, 30, tzinfo=tz),
                      ends_at=dt.datetime(2023, 9, 19, 10, 0, tzinfo=tz))
    html = main_html(organizer_client.get(world.tq23.get_absolute_url()))
    assert "Luyện tập lần 1" in html and "19/09/2023" in html
    assert html.index("Ban Chấp hành Đảng bộ tỉnh") < html.index("Đảng ủy Quân sự tỉnh")
    assert "19/09/2023 08:30" in html


def test_status_moves_one_step_at_a_time(organizer_client, world):
    url = reverse("exercises:status", args=[world.tq23.pk])
    organizer_client.post(url, {"status": "rehearsing", "version": world.tq23.version})
    assert Exercise.objects.get(pk=world.tq23.pk).status == "planning"
    organizer_client.post(url, {"status": "preparing", "version": world.tq23.version})
    assert Exercise.objects.get(pk=world.tq23.pk).status == "preparing"


def test_frame_page_groups_people_under_bodies(organizer_client, world):
    html = main_html(organizer_client.get(reverse("exercises:frame", args=[world.tq23.pk])))
    assert "Tỉnh ủy Tuyên Quang" in html and "Chẩu Văn Lâm" in html
    assert "Ủy ban nhân dân tỉnh Tuyên Quang" in html and "Nguyễn Văn Sơn" in html


def test_add_to_frame_and_remove(organizer_client, world):
    url = reverse("exercises:frame_add", args=[world.tq23.pk])
    response = organizer_client.post(url, {"body": world.bchqs.pk, "role": "advisory"})
    assert response.status_code == 302
    entry = FrameParticipant.objects.get(exercise=world.tq23, body=world.bchqs)
    # the same entry twice is refused with a message, not a crash
    response = organizer_client.post(url, {"body": world.bchqs.pk, "role": "advisory"})
    assert response.status_code == 200
    assert FrameParticipant.objects.filter(exercise=world.tq23, body=world.bchqs).count() == 1
    organizer_client.post(reverse("exercises:frame_delete", args=[world.tq23.pk, entry.pk]))
    assert not FrameParticipant.objects.filter(pk=entry.pk).exists()


def test_post_of_someone_else_is_refused_in_the_frame(organizer_client, world):
    url = reverse("exercises:frame_add", args=[world.tq23.pk])
    wrong_post = world.lam.posts.first()
    response = organizer_client.post(url, {"body": world.tinh_uy.pk, "person": world.son.pk,
                                           "post": wrong_post.pk, "role": "member"})
    assert response.status_code == 200
    assert not FrameParticipant.objects.filter(person=world.son, role="member").exists()


def test_committee_and_member(organizer_client, world):
    organizer_client.post(reverse("exercises:committee_add", args=[world.tq23.pk]),
                          {"kind": "organizing", "name": "Ban Tổ chức", "sort_order": 1})
    committee = Committee.objects.get(exercise=world.tq23)
    organizer_client.post(reverse("exercises:member_add", args=[world.tq23.pk, committee.pk]),
                          {"person": world.son.pk, "position": "Trưởng ban", "sort_order": 1})
    html = main_html(organizer_client.get(world.tq23.get_absolute_url()))
    assert "Ban Tổ chức" in html and "Trưởng ban" in html


def test_round_outside_the_exercise_is_refused(organizer_client, world):
    response = organizer_client.post(reverse("exercises:round_add", args=[world.tq23.pk]),
                                     {"kind": "rehearsal", "number": 1,
                                      "start_date": "19/09/2030", "end_date": "19/09/2030"})
    assert response.status_code == 200
    assert not Round.objects.exists()


def test_dates_are_shown_dd_mm_yyyy_in_english_too(organizer_client, world):
    world.organizer.language = "en"
    world.organizer.save()
    html = main_html(organizer_client.get(reverse("exercises:list")))
    assert "19/09/2023" in html
    assert "Exercises" in html


def test_organizer_grants_and_revokes_a_role(organizer_client, world):
    from dientap.exercises.models import Membership

    url = reverse("exercises:roles", args=[world.tq23.pk])
    response = organizer_client.post(url, {"user": world.frame_user.pk, "role": "observer"})
    assert response.status_code == 302
    membership = Membership.objects.get(exercise=world.tq23, user=world.frame_user)
    # granting the same role twice is refused on the form
    response = organizer_client.post(url, {"user": world.frame_user.pk, "role": "observer"})
    assert response.status_code == 200
    assert Membership.objects.filter(exercise=world.tq23, user=world.frame_user).count() == 1
    organizer_client.post(reverse("exercises:role_revoke", args=[world.tq23.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_roles_page_is_read_only_for_observers(client, world):
    client.force_login(world.observer)
    url = reverse("exercises:roles", args=[world.tq23.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"user": world.observer.pk, "role": "organizer"}).status_code == 403
    assert not world.tq23.memberships.filter(user=world.observer, role="organizer").exists()


def test_users_of_other_provinces_cannot_be_picked(organizer_client, world):
    url = reverse("exercises:roles", args=[world.tq23.pk])
    response = organizer_client.post(url, {"user": world.stranger.pk, "role": "observer"})
    assert response.status_code == 200  # not a valid choice
    assert not world.tq23.memberships.filter(user=world.stranger).exists()
