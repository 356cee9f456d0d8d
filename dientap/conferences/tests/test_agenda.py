import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dientap.conferences import services
from dientap.conferences.models import AgendaItem
from dientap.core.realtime import capture_events


def contents(conference):
    return list(conference.agenda.values_list("content", flat=True))


def test_items_are_appended_in_order(conf):
    assert contents(conf.conference) == ["Khai mạc", "Thông qua dự thảo nghị quyết", "Biểu quyết"]
    assert list(conf.conference.agenda.values_list("position", flat=True)) == [1, 2, 3]


def test_move_up_and_down(conf, world):
    services.agenda_item_move(conf.items[2], -1, acting_user=world.organizer)
    assert contents(conf.conference) == ["Khai mạc", "Biểu quyết", "Thông qua dự thảo nghị quyết"]
    services.agenda_item_move(conf.items[0], +1, acting_user=world.organizer)
    assert contents(conf.conference)[0] == "Biểu quyết"
    # moving the first up is a no-op, not an error
    first = conf.conference.agenda.first()
    services.agenda_item_move(first, -1, acting_user=world.organizer)
    assert conf.conference.agenda.first() == first


def test_reorder_by_ids(conf, world):
    a, b, c = conf.items
    services.agenda_reorder(conf.conference, [c.pk, a.pk, b.pk], acting_user=world.organizer)
    assert contents(conf.conference) == ["Biểu quyết", "Khai mạc", "Thông qua dự thảo nghị quyết"]
    assert list(conf.conference.agenda.values_list("position", flat=True)) == [1, 2, 3]


def test_reorder_from_a_stale_list_is_refused_and_moves_nothing(conf, world):
    a, b, c = conf.items
    services.agenda_item_create(conf.conference, acting_user=world.organizer, content="Bế mạc")
    with pytest.raises(ValidationError):
        services.agenda_reorder(conf.conference, [c.pk, a.pk, b.pk], acting_user=world.organizer)
    assert contents(conf.conference) == [
        "Khai mạc", "Thông qua dự thảo nghị quyết", "Biểu quyết", "Bế mạc"]


def test_reorder_with_garbage_is_refused(conf, world):
    with pytest.raises(ValidationError):
        services.agenda_reorder(conf.conference, ["x", None], acting_user=world.organizer)


def test_only_managers_change_the_agenda(conf, world):
    with pytest.raises(PermissionDenied):
        services.agenda_item_move(conf.items[1], -1, acting_user=world.observer)
    assert contents(conf.conference)[0] == "Khai mạc"


def test_agenda_changes_emit_the_runsheet_of_each_holding(conf, world):
    with capture_events() as events:
        services.agenda_item_move(conf.items[2], -1, acting_user=world.organizer)
    assert [e.kind for e in events] == ["runsheet"]
    assert events[0].payload["holding"] == conf.holding.pk
    assert [i["content"] for i in events[0].payload["state"]["items"]] == [
        "Khai mạc", "Biểu quyết", "Thông qua dự thảo nghị quyết"]


def test_reorder_endpoint(client, conf, world):
    client.force_login(world.organizer)
    a, b, c = conf.items
    url = reverse("conferences:agenda_reorder", args=[conf.conference.pk])
    response = client.post(url, {"order": [b.pk, c.pk, a.pk]}, content_type="application/json")
    assert response.status_code == 200
    assert contents(conf.conference)[0] == "Thông qua dự thảo nghị quyết"
    response = client.post(url, {"order": [b.pk]}, content_type="application/json")
    assert response.status_code == 409
    assert "tải lại" in response.json()["error"]  # "reload the page", in Vietnamese
    response = client.post(url, "not json", content_type="application/json")
    assert response.status_code == 400


def test_up_down_buttons(client, conf, world):
    client.force_login(world.organizer)
    client.post(reverse("conferences:agenda_move", args=[conf.conference.pk, conf.items[1].pk]),
                {"direction": "up"})
    assert contents(conf.conference)[0] == "Thông qua dự thảo nghị quyết"


def test_agenda_form_validation_keeps_nothing(client, conf, world):
    client.force_login(world.organizer)
    before = AgendaItem.objects.count()
    response = client.post(reverse("conferences:agenda_add", args=[conf.conference.pk]),
                           {"content": "", "minutes": 0})
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.content.decode()
    assert AgendaItem.objects.count() == before


def test_two_secretaries_editing_one_item_second_is_refused(client, conf, world):
    client.force_login(world.organizer)
    item = conf.items[1]
    url = reverse("conferences:agenda_edit", args=[conf.conference.pk, item.pk])
    base = {"content": item.content, "minutes": 15, "version": item.version}
    assert client.post(url, {**base, "method": "Đọc toàn văn"}).status_code == 302
    response = client.post(url, {**base, "method": "Trình bày tóm tắt"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trình bày tóm tắt" in html  # the second secretary's input is still on screen
    assert "đã thay đổi" in html or "thay đổi bản ghi" in html
    item.refresh_from_db()
    assert item.method == "Đọc toàn văn"


def test_conference_page_shows_agenda_composition_and_query_count_is_flat(
        client, conf, world, django_assert_max_num_queries):
    client.force_login(world.organizer)
    url = conf.conference.get_absolute_url()
    with django_assert_max_num_queries(40) as ctx:
        html = client.get(url).content.decode()
    baseline = len(ctx.captured_queries)
    for n in range(5):
        services.agenda_item_create(conf.conference, acting_user=None, content=f"Mục {n}",
                                    advisory_bodies=[world.bchqs])
        services.composition_entry_create(conf.conference, acting_user=None, title=f"Ghế {n}",
                                          post=world.lam.posts.first())
    with django_assert_max_num_queries(baseline):
        html = client.get(url).content.decode()
    assert "Khai mạc" in html and "Trưởng Ban Tuyên giáo" in html
