import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dientap.conferences import selectors, services
from dientap.conferences.models import Holding
from dientap.core.realtime import capture_events
from dientap.core.services import ConflictError


def statuses(holding):
    return [i["status"] for i in selectors.runsheet_state(holding)["items"]]


def test_a_holding_cannot_start_twice(conf, world):
    services.holding_start(conf.holding, acting_user=world.organizer)
    with pytest.raises(ValidationError):
        services.holding_start(conf.holding, acting_user=world.organizer)
    assert Holding.objects.get(pk=conf.holding.pk).state == "running"


def test_items_need_a_running_holding(conf, world):
    with pytest.raises(ValidationError):
        services.agenda_item_start(conf.holding, conf.items[0], acting_user=world.organizer)


def test_an_item_cannot_be_done_before_it_started(conf, world):
    services.holding_start(conf.holding, acting_user=world.organizer)
    with pytest.raises(ValidationError):
        services.agenda_item_done(conf.holding, conf.items[1], acting_user=world.organizer)
    assert statuses(conf.holding) == ["pending", "pending", "pending"]


def test_stepping_through_the_agenda(conf, world):
    h, (a, b, c) = conf.holding, conf.items
    services.holding_start(h, acting_user=world.organizer)
    services.agenda_item_start(h, a, acting_user=world.organizer)
    assert statuses(h) == ["running", "pending", "pending"]
    services.agenda_item_start(h, b, acting_user=world.organizer)  # a is done at the same time
    assert statuses(h) == ["done", "running", "pending"]
    services.agenda_item_done(h, b, acting_user=world.organizer)
    with pytest.raises(ValidationError):
        services.agenda_item_done(h, b, acting_user=world.organizer)
    services.agenda_item_start(h, c, acting_user=world.organizer)
    services.holding_finish(h, acting_user=world.organizer)  # finishes the running item
    assert statuses(h) == ["done", "done", "done"]
    assert Holding.objects.get(pk=h.pk).state == "finished"
    with pytest.raises(ValidationError):
        services.holding_finish(h, acting_user=world.organizer)


def test_the_chair_operates_observers_do_not(conf, world):
    from dientap.core import testing as t

    chair = t.user("chair", body=world.tinh_uy, person=world.lam)
    services.holding_start(conf.holding, acting_user=chair)
    with pytest.raises(PermissionDenied):
        services.agenda_item_start(conf.holding, conf.items[0], acting_user=world.observer)
    assert statuses(conf.holding) == ["pending", "pending", "pending"]


def test_decision_note_conflict(conf, world):
    h, item = conf.holding, conf.items[1]
    services.holding_start(h, acting_user=world.organizer)
    first = services.agenda_item_note(h, item, acting_user=world.organizer,
                                      decision="Thông qua", expected_version=0)
    with pytest.raises(ConflictError):
        services.agenda_item_note(h, item, acting_user=world.organizer,
                                  decision="Hoãn lại", expected_version=0)
    with pytest.raises(ConflictError):
        services.agenda_item_note(h, item, acting_user=world.organizer,
                                  decision="Hoãn lại", expected_version=first.version - 1)
    services.agenda_item_note(h, item, acting_user=world.organizer,
                              decision="Thông qua có sửa đổi", expected_version=first.version)
    assert selectors.runsheet_state(h)["items"][1]["decision"] == "Thông qua có sửa đổi"


def test_each_step_emits_exactly_one_runsheet_event_matching_a_fresh_read(conf, world):
    """Zulip's pattern: apply the events to a client's state and compare with a fresh fetch."""
    h, (a, b, c) = conf.holding, conf.items
    client_state = selectors.runsheet_state(h)
    steps = [
        lambda: services.holding_start(h, acting_user=world.organizer),
        lambda: services.agenda_item_start(h, a, acting_user=world.organizer),
        lambda: services.agenda_item_note(h, a, acting_user=world.organizer, decision="Nhất trí"),
        lambda: services.agenda_item_start(h, b, acting_user=world.organizer),
        lambda: services.agenda_item_move(c, -1, acting_user=world.organizer),
        lambda: services.holding_finish(h, acting_user=world.organizer),
    ]
    for step in steps:
        with capture_events() as events:
            step()
        assert [e.kind for e in events] == ["runsheet"]
        assert events[0].payload["holding"] == h.pk
        client_state = events[0].payload["state"]  # what runsheet.js does: replace the state
        assert client_state == selectors.runsheet_state(Holding.objects.get(pk=h.pk))
    # c was moved before b and never started
    assert [(i["content"], i["status"]) for i in client_state["items"]] == [
        ("Khai mạc", "done"), ("Biểu quyết", "pending"), ("Thông qua dự thảo nghị quyết", "done")]


def test_failed_step_stores_no_event(conf, world):
    from dientap.core.models import Event

    before = Event.objects.filter(exercise_id=world.tq23.pk).count()
    with pytest.raises(ValidationError):
        services.agenda_item_done(conf.holding, conf.items[0], acting_user=world.organizer)
    assert Event.objects.filter(exercise_id=world.tq23.pk).count() == before


def test_action_endpoint(client, conf, world):
    client.force_login(world.organizer)
    url = reverse("conferences:runsheet_action", args=[conf.holding.pk])
    post = lambda body: client.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    assert post({"action": "start"}).status_code == 200
    response = post({"action": "start"})
    assert response.status_code == 409
    assert "đã bắt đầu" in response.json()["error"]
    response = post({"action": "item_start", "item": conf.items[0].pk})
    assert response.json()["state"]["items"][0]["status"] == "running"
    assert post({"action": "nonsense"}).status_code == 400
    assert post({"action": "item_start", "item": 999999}).status_code == 400


def test_observer_sees_the_run_sheet_without_controls(client, conf, world):
    client.force_login(world.observer)
    response = client.get(reverse("conferences:runsheet", args=[conf.holding.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-action-url=""' in html
    assert 'data-testid="start"' not in html
    url = reverse("conferences:runsheet_action", args=[conf.holding.pk])
    response = client.post(url, json.dumps({"action": "start"}), content_type="application/json")
    assert response.status_code == 403


def test_hidden_holding_is_404(client, conf, world):
    client.force_login(world.stranger)
    assert client.get(reverse("conferences:runsheet", args=[conf.holding.pk])).status_code == 404
    assert client.get(reverse("conferences:runsheet_state",
                              args=[conf.holding.pk])).status_code == 404
