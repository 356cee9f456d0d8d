"""Pages, JSON states and actions: who sees what (hidden → 404, not allowed → 403), and a
body never sees another body's situations, on pages or in the JSON state."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import main_html
from dientap.scenarios import selectors, services
from dientap.scenarios.models import Delivery, Situation

from .conftest import situation


def url(name, world, **kw):
    return reverse(f"scenarios:{name}", args=[world.tq23.pk, *kw.values()])


def post_json(client, target, body):
    return client.post(target, json.dumps(body), content_type="application/json")


def test_list_detail_pages_for_the_staff(client, world, scen):
    client.force_login(scen.director)
    r = client.get(url("list", world))
    assert r.status_code == 200
    html = main_html(r)
    assert "TH-01" in html and "TH-02" in html and "N-57 07:30" in html
    r = client.get(url("detail", world, sid=scen.a.pk))
    assert r.status_code == 200 and "ngày N-57, 07 giờ 30" in main_html(r)
    client.force_login(world.observer)  # observers read the scenario
    assert client.get(url("list", world)).status_code == 200
    assert client.get(url("director", world)).status_code == 200
    assert 'data-action-url=""' in client.get(url("director", world)).content.decode()
    assert post_json(client, url("director_action", world),
                     {"action": "issue", "situation": scen.a.pk}).status_code == 403


def test_frame_bodies_get_403_strangers_404(client, world, scen):
    client.force_login(world.frame_user)
    for name in ("list", "director", "export", "import"):
        assert client.get(url(name, world)).status_code == 403, name
    assert client.get(url("detail", world, sid=scen.a.pk)).status_code == 403
    client.force_login(world.stranger)
    for name in ("list", "director", "console", "console_state"):
        assert client.get(url(name, world)).status_code == 404, name


def test_form_creates_through_the_service_and_refuses_bad_time(client, world, scen):
    client.force_login(scen.director)
    data = {"code": "TH-09", "when": "N-57 25:00", "title": "Tập kích", "content": "Địch tập kích",
            "issuer_kind": "simulated", "receiving_bodies": [world.ubnd_tq.pk],
            "handling_kind": "order", "classification": 0}
    r = client.post(url("create", world), data)
    assert r.status_code == 200 and "23:59" in main_html(r)
    assert not Situation.objects.filter(code="TH-09").exists()
    data["when"] = "ngày N-1, 06 giờ 30"
    r = client.post(url("create", world), data)
    assert r.status_code == 302
    s = Situation.objects.get(code="TH-09")
    assert s.time_label == "N-1 06:30"
    data.update(when="N-1 07:00", version=s.version, title="Tập kích hỏa lực")
    assert client.post(url("edit", world, sid=s.pk), data).status_code == 302
    assert Situation.objects.get(pk=s.pk).title == "Tập kích hỏa lực"
    data.update(version=s.version)  # stale
    r = client.post(url("edit", world, sid=s.pk), data)
    assert r.status_code == 200
    data.update(receiving_bodies=[world.ubnd_pt.pk], version=s.version + 1)
    assert client.post(url("edit", world, sid=s.pk), data).status_code == 200  # not in frame


def test_console_shows_only_the_bodys_own_issued_situations(client, world, scen):
    services.situation_issue(scen.a, acting_user=scen.director)  # → UBND
    services.situation_issue(scen.b, acting_user=scen.director)  # → Tỉnh ủy
    secret = situation(world, scen.director, "TH-M", "N-57 09:00", [world.ubnd_tq],
                       title="Bí mật", classification=1)
    services.situation_issue(secret, acting_user=scen.director)
    situation(world, scen.director, "TH-L", "N-50", [world.ubnd_tq], title="Chưa phát")
    client.force_login(scen.ubnd)
    state = client.get(url("console_state", world)).json()
    assert [s["code"] for s in state["situations"]] == ["TH-01"]  # not TH-02, TH-M, TH-L
    html = main_html(client.get(url("console", world)))
    assert "TH-01" in html and "TH-02" not in html and "Bí mật" not in html
    assert "Chưa phát" not in html
    # the state never lists other receiving bodies
    assert state["situations"][0]["bodies"] == []
    # a body cannot open another body's console
    assert client.get(url("console", world) + f"?body={world.tinh_uy.pk}").status_code == 404
    # cleared: the classified one appears
    scen.ubnd.clearance = 1
    scen.ubnd.save()
    state = client.get(url("console_state", world)).json()
    assert {s["code"] for s in state["situations"]} == {"TH-01", "TH-M"}
    # the situation detail page is the staff's, a body uses its console
    assert client.get(url("detail", world, sid=scen.b.pk)).status_code == 403


def test_staff_open_any_bodys_console_read_only(client, world, scen):
    services.situation_issue(scen.b, acting_user=scen.director)
    client.force_login(world.organizer)
    r = client.get(url("console", world) + f"?body={world.tinh_uy.pk}")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="read-only"' in html and 'data-action-url=""' in html
    assert "TH-02" in html
    r = post_json(client, url("console_action", world) + f"?body={world.tinh_uy.pk}",
                  {"action": "acknowledge", "situation": scen.b.pk})
    assert r.status_code == 403
    assert not Delivery.objects.filter(acknowledged_at__isnull=False).exists()


def test_console_actions(client, world, scen):
    services.situation_issue(scen.a, acting_user=scen.director)
    services.situation_issue(scen.b, acting_user=scen.director)
    client.force_login(scen.ubnd)
    target = url("console_action", world)
    r = post_json(client, target, {"action": "acknowledge", "situation": scen.a.pk})
    assert r.status_code == 200
    assert r.json()["state"]["situations"][0]["delivery"]["acknowledged_at"]
    r = post_json(client, target, {"action": "handle", "situation": scen.a.pk, "kind": "advise",
                                   "text": "Đã đề xuất"})
    assert r.status_code == 200
    assert r.json()["state"]["situations"][0]["delivery"]["handling_text"] == "Đã đề xuất"
    # another body's situation: refused
    r = post_json(client, target, {"action": "handle", "situation": scen.b.pk, "kind": "advise",
                                   "text": "x"})
    assert r.status_code == 403
    assert post_json(client, target, {"action": "nonsense"}).status_code == 400
    d = Delivery.objects.get(situation=scen.b)
    assert d.handled_at is None


def test_director_actions_and_state(client, world, scen):
    client.force_login(scen.director)
    target = url("director_action", world)
    r = post_json(client, target, {"action": "clock_start", "at": "N-57 25:00"})
    assert r.status_code == 409 and "23:59" in r.json()["error"]
    r = post_json(client, target, {"action": "clock_start", "at": "N-57 07:00"})
    assert r.json()["state"]["clock"]["state"] == "running"
    r = post_json(client, target, {"action": "issue", "situation": scen.a.pk})
    state = r.json()["state"]
    row = next(s for s in state["issued"] if s["id"] == scen.a.pk)
    assert row["status"] == "issued" and row["deliveries"][0]["body"] == world.ubnd_tq.pk
    assert row["awaiting"] == 1 and state["counts"]["awaiting"] == 1
    assert [s["id"] for s in state["upcoming"]] == [scen.b.pk]
    assert state["log"][0]["code"] == "TH-01"
    r = post_json(client, target, {"action": "issue", "situation": scen.a.pk})
    assert r.status_code == 409
    r = post_json(client, target, {"action": "schedule", "situation": scen.b.pk,
                                   "at": "N-57 07:05"})
    assert Situation.objects.get(pk=scen.b.pk).time_label == "N-57 07:05"
    r = post_json(client, target, {"action": "comm_check"})
    assert len(r.json()["state"]["comm_check"]["bodies"]) == 3
    r = post_json(client, target, {"action": "clock_pause"})
    assert r.json()["state"]["clock"]["state"] == "paused"


def _count(client, target):
    """Queries of the page built afresh (not a repeat view from the page cache)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target, headers={"cache-control": "no-cache"}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["list", "director", "director_state"])
def test_query_counts_do_not_grow_with_the_situations(client, world, scen, name):
    client.force_login(scen.director)
    services.situation_issue(scen.a, acting_user=scen.director)
    services.comm_check_send(world.tq23, acting_user=scen.director)
    target = url(name, world)
    client.get(target)
    few = _count(client, target)
    for i in range(8):
        s = situation(world, scen.director, f"X-{i}", f"N+{i}", [world.ubnd_tq, world.tinh_uy],
                      depends_on=None if i % 2 else scen.a)
        if i % 2:
            services.situation_issue(s, acting_user=scen.director)
    assert _count(client, target) == few


def test_console_query_count_does_not_grow(client, world, scen):
    client.force_login(scen.ubnd)
    services.situation_issue(scen.a, acting_user=scen.director)
    target = url("console_state", world)
    client.get(target)
    few = _count(client, target)
    for i in range(6):
        services.situation_issue(situation(world, scen.director, f"X-{i}", f"N+{i}",
                                           [world.ubnd_tq]), acting_user=scen.director)
    assert _count(client, target) == few


def test_director_state_matches_after_events(world, scen):
    """Each change emits exactly the events the consoles reload on; a fresh read agrees."""
    from dientap.core.realtime import capture_events

    with capture_events() as events:
        services.situation_issue(scen.a, acting_user=scen.director)
        services.delivery_acknowledge(scen.a, acting_user=scen.ubnd)
        services.delivery_handle(scen.a, acting_user=scen.ubnd, handling_kind="advise", text="x")
    assert [(e.kind, e.audience_bodies) for e in events] == [
        ("situation", [world.ubnd_tq.pk]), ("scenario", []),
        ("situation", [world.ubnd_tq.pk]), ("scenario", []),
        ("situation", [world.ubnd_tq.pk]), ("scenario", []),
    ]
    # no event carries a title or a content
    assert all(set(e.payload) <= {"situation", "action", "body"} for e in events)
    state = selectors.director_state(scen.director, world.tq23)
    row = next(s for s in state["issued"] if s["id"] == scen.a.pk)
    assert row["deliveries"][0]["handled_at"] and row["awaiting"] == 0
    assert state["counts"]["completed"] == 1 and state["counts"]["deliveries"]["handled"] == 1


def test_console_confirms_the_communication_check(client, world, scen):
    services.comm_check_send(world.tq23, acting_user=scen.director)
    client.force_login(scen.ubnd)
    state = client.get(url("console_state", world)).json()
    check = state["comm_check"]
    assert check["bodies"][0]["confirmed_at"] is None
    r = post_json(client, url("console_action", world), {"action": "confirm",
                                                           "check": check["id"]})
    assert r.status_code == 200
    assert r.json()["state"]["comm_check"]["bodies"][0]["confirmed_at"]
    client.force_login(scen.director)
    state = client.get(url("director_state", world)).json()
    confirmed = {b["body"]: bool(b["confirmed_at"]) for b in state["comm_check"]["bodies"]}
    assert confirmed == {world.ubnd_tq.pk: True, world.tinh_uy.pk: False, world.bchqs.pk: False}
