"""Who sees which exercise: one mechanism (restrict) behind every list and detail."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import main_html
from dientap.core.scoping import CHANGE, VIEW
from dientap.exercises import services
from dientap.exercises.models import Exercise, FrameParticipant, Round
from dientap.organizations.models import Body, Person


def visible(user, action=VIEW):
    return set(Exercise.objects.restrict(user, action).values_list("code_name", flat=True))


def test_members_see_their_exercise_only(world):
    assert visible(world.organizer) == {"TQ-23"}
    assert visible(world.observer) == {"TQ-23"}


def test_frame_body_members_see_the_exercises_their_body_plays_in(world):
    assert visible(world.frame_user) == {"TQ-23"}
    assert visible(world.stranger) == {"PT-23"}


def test_military_region_inspector_sees_its_provinces(world):
    assert visible(world.inspector) == {"TQ-23", "PT-23"}
    assert visible(world.other_inspector) == set()


def test_user_without_body_or_role_sees_nothing(world):
    assert visible(world.nobody) == set()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Exercise.objects.restrict(AnonymousUser()).exists()


def test_superuser_sees_everything(world):
    from dientap.core import testing as t

    admin = t.user("root", is_superuser=True, is_staff=True)
    assert visible(admin) == {"TQ-23", "PT-23"}


def test_only_organizers_and_directors_may_change(world):
    assert visible(world.organizer, CHANGE) == {"TQ-23"}
    assert visible(world.observer, CHANGE) == set()
    assert visible(world.inspector, CHANGE) == set()
    assert visible(world.frame_user, CHANGE) == set()


def test_children_follow_their_exercise(world):
    services.round_create(world.tq23, acting_user=None, kind="rehearsal", number=1,
                          start_date=world.tq23.start_date, end_date=world.tq23.start_date)
    assert Round.objects.restrict(world.frame_user).count() == 1
    assert Round.objects.restrict(world.stranger).count() == 0
    assert set(FrameParticipant.objects.restrict(world.stranger).values_list(
        "exercise__code_name", flat=True)) == {"PT-23"}


def test_service_refuses_a_change_by_someone_who_may_not(world):
    with pytest.raises(PermissionDenied):
        services.round_create(world.tq23, acting_user=world.observer, kind="rehearsal",
                              number=1, start_date=world.tq23.start_date,
                              end_date=world.tq23.start_date)
    assert not Round.objects.exists()


def test_bodies_and_people_are_scoped_by_area(world):
    bodies = set(Body.objects.restrict(world.stranger).values_list("name", flat=True))
    assert "Ủy ban nhân dân tỉnh Phú Thọ" in bodies
    assert "Ủy ban nhân dân tỉnh Tuyên Quang" not in bodies
    people = set(Person.objects.restrict(world.frame_user).values_list("full_name", flat=True))
    assert {"Chẩu Văn Lâm", "Nguyễn Văn Sơn"} <= people
    assert "Hồ Đại Dũng" not in people
    # The inspector of the Military Region sees both provinces' people.
    people = set(Person.objects.restrict(world.inspector).values_list("full_name", flat=True))
    assert {"Chẩu Văn Lâm", "Hồ Đại Dũng"} <= people


# Pages: anonymous → login; hidden → 404 (same as missing); visible but not changeable → 403.
@pytest.mark.parametrize("name", ["exercises:detail", "exercises:frame", "exercises:edit"])
def test_pages_hide_other_exercises_behind_404(client, world, name):
    client.force_login(world.stranger)
    hidden = client.get(reverse(name, args=[world.tq23.pk]))
    missing = client.get(reverse(name, args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert main_html(hidden) == main_html(missing)


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("exercises:detail", args=[world.tq23.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_observer_gets_403_on_edit(client, world):
    client.force_login(world.observer)
    assert client.get(reverse("exercises:detail", args=[world.tq23.pk])).status_code == 200
    response = client.get(reverse("exercises:edit", args=[world.tq23.pk]))
    assert response.status_code == 403
    assert "Không được phép" in response.content.decode()


def test_observer_cannot_post_a_change(client, world):
    client.force_login(world.observer)
    response = client.post(reverse("exercises:round_add", args=[world.tq23.pk]),
                           {"kind": "rehearsal", "number": 1, "start_date": "19/09/2023",
                            "end_date": "19/09/2023"})
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_list_shows_only_visible_exercises(client, world):
    client.force_login(world.stranger)
    html = client.get(reverse("exercises:list")).content.decode()
    assert "PT-23" in html and "TQ-23" not in html


@pytest.mark.parametrize("name", ["organizations:person_detail"])
def test_person_page_of_another_province_is_404(client, world, name):
    client.force_login(world.frame_user)
    assert client.get(reverse(name, args=[world.pt_person.pk])).status_code == 404
    assert client.get(reverse(name, args=[world.son.pk])).status_code == 200


def test_body_page_of_another_province_is_404(client, world):
    client.force_login(world.frame_user)
    assert client.get(reverse("organizations:body_detail", args=[world.ubnd_pt.pk])
                      ).status_code == 404
