"""The scenario's REST API: scoping, optimistic concurrency, validation, the services (audit
and live events) under every action, pagination."""

import pytest

from dientap.api.testing import api_world, audit_count, ids, token_client
from dientap.core.realtime import capture_events
from dientap.scenarios import services
from dientap.scenarios.models import CommCheckReply, Delivery, ExerciseClock, Situation

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return api_world(world)


def new_situation(aw, **extra):
    return {"exercise": aw.tq23.pk, "code": "TH-10", "title": "Bạo loạn tại trung tâm",
            "content": "Một nhóm đối tượng tụ tập gây rối.", "scenario_minutes": 600,
            "receiving_bodies": [aw.ubnd_tq.pk], **extra}


def kinds(events):
    return [e.kind for e in events]


# ---- situations ----------------------------------------------------------------------------


def test_lists_are_scoped_and_filtered(aw):
    organizer = token_client(aw.organizer)
    seen = ids(organizer.get("/api/situations/?page_size=200"))
    assert {aw.own.situation.pk, aw.own.issued.pk} <= seen
    assert not seen & {aw.other.situation.pk, aw.other.issued.pk}
    assert ids(organizer.get(f"/api/situations/?status=issued&exercise={aw.tq23.pk}")) == {
        aw.own.issued.pk}
    assert ids(organizer.get(f"/api/situations/?body={aw.tinh_uy.pk}")) == set()
    assert ids(organizer.get("/api/situations/?q=TH-01")) == {aw.own.situation.pk}
    assert organizer.get(f"/api/situations/{aw.other.situation.pk}/").status_code == 404
    # A frame body sees the issued situations addressed to it, nothing else.
    frame = token_client(aw.frame_user)
    assert ids(frame.get("/api/situations/")) == {aw.own.issued.pk}
    assert frame.get(f"/api/situations/{aw.own.situation.pk}/").status_code == 404
    assert ids(token_client(aw.other_body_user).get("/api/situations/")) == set()
    # Its own delivery only; the staff every body's.
    assert ids(frame.get("/api/deliveries/")) == {aw.own.delivery.pk}
    assert ids(token_client(aw.other_body_user).get("/api/deliveries/")) == set()
    assert ids(organizer.get("/api/deliveries/?handled=false")) == {aw.own.delivery.pk}
    assert ids(organizer.get("/api/deliveries/?handled=true")) == set()


def test_pagination(aw):
    client = token_client(aw.organizer)
    first = client.get("/api/situations/?page_size=1").json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["next"]
    second = client.get(first["next"]).json()
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {
        aw.own.situation.pk, aw.own.issued.pk}


def test_create_goes_through_the_service(aw):
    client = token_client(aw.director)
    before = audit_count()
    with capture_events() as events:
        response = client.post("/api/situations/", new_situation(aw), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "scheduled" and data["time_label"]
    assert response["ETag"] == '"1"'
    situation = Situation.objects.get(pk=data["id"])
    assert list(situation.receiving_bodies.all()) == [aw.ubnd_tq]
    assert audit_count() == before + 1
    assert "scenario" in kinds(events)


@pytest.mark.parametrize(("extra", "field"), [
    ({"receiving_bodies": []}, "receiving_bodies"),
    ({"code": "TH-01"}, "non_field_errors"),  # the code is taken
    ({"scenario_minutes": 10**12}, "scenario_minutes"),
    ({"classification": 3}, "classification"),  # above the organizer's clearance
    ({"documents": [987654321]}, "documents"),
])
def test_invalid_create_is_400_with_messages_and_saves_nothing(aw, extra, field):
    client = token_client(aw.organizer)
    before, count = audit_count(), Situation.objects.count()
    response = client.post("/api/situations/", new_situation(aw, **extra), format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
    assert (audit_count(), Situation.objects.count()) == (before, count)


def test_a_body_outside_the_frame_is_refused(aw):
    response = token_client(aw.organizer).post(
        "/api/situations/", new_situation(aw, receiving_bodies=[aw.bchqs.pk]), format="json")
    assert response.status_code == 400
    assert "Bộ CHQS" in response.json()["receiving_bodies"][0] or \
        aw.bchqs.name in response.json()["receiving_bodies"][0]


def test_stale_update_is_refused_and_changes_nothing(aw):
    situation = aw.own.situation
    client = token_client(aw.organizer)
    assert client.get(f"/api/situations/{situation.pk}/")["ETag"] == f'"{situation.version}"'
    services.situation_update(situation, acting_user=None, title="Đổi bởi người khác")
    before = audit_count()
    stale = situation.version
    response = client.patch(f"/api/situations/{situation.pk}/", {"title": "Của tôi"},
                            format="json", HTTP_IF_MATCH=f'"{stale}"')
    assert response.status_code == 412
    assert response.json()["version"] == stale + 1
    response = client.patch(f"/api/situations/{situation.pk}/",
                            {"title": "Của tôi", "version": stale}, format="json")
    assert response.status_code == 409
    assert Situation.objects.get(pk=situation.pk).title == "Đổi bởi người khác"
    assert audit_count() == before
    response = client.patch(f"/api/situations/{situation.pk}/", {"title": "Của tôi"},
                            format="json", HTTP_IF_MATCH=f'"{stale + 1}"')
    assert response.status_code == 200
    assert response["ETag"] == f'"{stale + 2}"'
    # A stale action is refused too.
    response = client.post(f"/api/situations/{situation.pk}/hold/", {"version": stale},
                           format="json")
    assert response.status_code == 409
    assert Situation.objects.get(pk=situation.pk).status == "scheduled"


def test_observers_read_but_may_not_change(aw):
    situation = aw.own.situation
    observer = token_client(aw.observer)
    assert observer.get(f"/api/situations/{situation.pk}/").status_code == 200
    before = audit_count()
    assert observer.patch(f"/api/situations/{situation.pk}/", {"title": "x"},
                          format="json").status_code == 403
    assert observer.post(f"/api/situations/{situation.pk}/issue/").status_code == 403
    assert observer.delete(f"/api/situations/{situation.pk}/").status_code == 403
    assert audit_count() == before
    assert Situation.objects.get(pk=situation.pk).status == "scheduled"
    # Another exercise's director sees none of it.
    stranger = token_client(aw.pt_organizer)
    assert stranger.post(f"/api/situations/{situation.pk}/issue/").status_code == 404


def test_issue_makes_deliveries_audits_and_emits_once(aw):
    situation = aw.own.situation
    client = token_client(aw.director)
    before = audit_count()
    with capture_events() as events:
        response = client.post(f"/api/situations/{situation.pk}/issue/",
                               HTTP_IF_MATCH=f'"{situation.version}"')
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "issued"
    assert response.json()["issued_by"] == aw.director.pk
    assert Delivery.objects.filter(situation=situation, body=aw.ubnd_tq).count() == 1
    assert audit_count() > before
    issued = [e for e in events if e.kind == "situation"]
    assert len(issued) == 1 and issued[0].payload["action"] == "issued"
    assert issued[0].audience_bodies == [aw.ubnd_tq.pk]
    # Not twice; and an issued situation can no longer be changed or deleted.
    again = client.post(f"/api/situations/{situation.pk}/issue/")
    assert again.status_code == 400 and again.json()["non_field_errors"][0]
    assert client.patch(f"/api/situations/{situation.pk}/", {"title": "x"},
                        format="json").status_code == 400
    assert client.delete(f"/api/situations/{situation.pk}/").status_code == 400
    assert Delivery.objects.filter(situation=situation).count() == 1


def test_hold_skip_schedule_duplicate_move_delete(aw):
    client = token_client(aw.organizer)
    pk = aw.own.situation.pk
    assert client.post(f"/api/situations/{pk}/hold/").json()["status"] == "held"
    assert client.post(f"/api/situations/{pk}/hold/").status_code == 400
    data = client.post(f"/api/situations/{pk}/schedule/", {"scenario_minutes": 15},
                       format="json").json()
    assert (data["status"], data["scenario_minutes"]) == ("scheduled", 15)
    assert client.post(f"/api/situations/{pk}/skip/").json()["status"] == "skipped"
    copy = client.post(f"/api/situations/{pk}/duplicate/")
    assert copy.status_code == 201 and copy.json()["code"] == "TH-01-2"
    assert client.post(f"/api/situations/{pk}/move/", {"delta": 1},
                       format="json").status_code == 200
    assert client.post(f"/api/situations/{pk}/move/", {"delta": 5},
                       format="json").status_code == 400
    assert client.delete(f"/api/situations/{copy.json()['id']}/").status_code == 204
    assert not Situation.objects.filter(pk=copy.json()["id"]).exists()


def test_shift(aw):
    client = token_client(aw.organizer)
    pk = aw.own.situation.pk
    minutes = aw.own.situation.scenario_minutes
    response = client.post("/api/situations/shift/", {
        "exercise": aw.tq23.pk, "situations": [pk], "minutes": -30}, format="json")
    assert response.status_code == 200, response.content
    assert Situation.objects.get(pk=pk).scenario_minutes == minutes - 30
    # Issued ones cannot move; an unknown or hidden one is an error; nothing moves.
    for chosen in ([pk, aw.own.issued.pk], [pk, aw.other.situation.pk]):
        response = client.post("/api/situations/shift/", {
            "exercise": aw.tq23.pk, "situations": chosen, "minutes": 30}, format="json")
        assert response.status_code == 400
        assert Situation.objects.get(pk=pk).scenario_minutes == minutes - 30
    assert token_client(aw.observer).post("/api/situations/shift/", {
        "exercise": aw.tq23.pk, "situations": [pk], "minutes": 30},
        format="json").status_code == 403


# ---- deliveries ----------------------------------------------------------------------------


def test_the_receiving_body_acknowledges_and_handles(aw):
    delivery = aw.own.delivery
    frame = token_client(aw.frame_user)
    assert token_client(aw.organizer).post(
        f"/api/deliveries/{delivery.pk}/acknowledge/").status_code == 403
    assert token_client(aw.other_body_user).post(
        f"/api/deliveries/{delivery.pk}/acknowledge/").status_code == 404
    before = audit_count()
    with capture_events() as events:
        response = frame.post(f"/api/deliveries/{delivery.pk}/acknowledge/",
                              HTTP_IF_MATCH=f'"{delivery.version}"')
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_by"] == aw.frame_user.pk
    assert audit_count() == before + 1
    assert [e.payload["action"] for e in events if e.kind == "situation"] == ["acknowledged"]
    # Handling: a text is needed; a stale version is refused; then it is recorded once.
    response = frame.post(f"/api/deliveries/{delivery.pk}/handle/", {"text": "  "},
                          format="json")
    assert response.status_code == 400
    response = frame.post(f"/api/deliveries/{delivery.pk}/handle/",
                          {"text": "Đã xử trí", "version": delivery.version}, format="json")
    assert response.status_code == 409
    response = frame.post(f"/api/deliveries/{delivery.pk}/handle/",
                          {"text": "Đã xử trí", "documents": [aw.other.document.pk]},
                          format="json")
    assert response.status_code == 400 and response.json()["documents"]
    with capture_events() as events:
        response = frame.post(f"/api/deliveries/{delivery.pk}/handle/", {
            "text": "Đã báo cáo, đề xuất triệu tập hội nghị", "handling_kind": "convene",
            "documents": [aw.own.document.pk]}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["handling_kind"] == "convene" and data["documents"] == [aw.own.document.pk]
    assert [e.payload["action"] for e in events if e.kind == "situation"] == ["handled"]
    assert frame.post(f"/api/deliveries/{delivery.pk}/handle/", {"text": "Lần nữa"},
                      format="json").status_code == 400


# ---- the clock -----------------------------------------------------------------------------


def test_clock_state_and_control(aw):
    url = f"/api/exercise-clocks/{aw.tq23.pk}/"
    director = token_client(aw.director)
    response = director.get(url)
    state = response.json()
    assert state["state"] == "running" and response["ETag"] == f'"{state["version"]}"'
    assert token_client(aw.frame_user).get(url).status_code == 200
    assert token_client(aw.pt_organizer).get(url).status_code == 404
    assert token_client(aw.observer).post(url + "pause/").status_code == 403
    before = audit_count()
    response = director.post(url + "pause/", HTTP_IF_MATCH=f'"{state["version"] - 1}"')
    assert response.status_code == 412
    assert ExerciseClock.objects.get(exercise=aw.tq23).state == "running"
    assert audit_count() == before
    with capture_events() as events:
        response = director.post(url + "pause/", HTTP_IF_MATCH=f'"{state["version"]}"')
    assert response.status_code == 200 and response.json()["state"] == "paused"
    assert "clock" in kinds(events)
    assert audit_count() == before + 1
    assert director.post(url + "pause/").status_code == 400
    response = director.post(url + "jump/", {"time": "N-56 07:00"}, format="json")
    assert response.json()["now_label"].startswith("N-56")
    assert director.post(url + "jump/", {"time": "N-56 25:00"}, format="json").status_code == 400
    assert director.post(url + "jump/", {}, format="json").status_code == 400
    assert director.post(url + "speed/", {"speed": 500}, format="json").status_code == 400
    assert director.post(url + "speed/", '{"speed": NaN}',
                         content_type="application/json").status_code == 400
    assert director.post(url + "speed/", {"speed": 2}, format="json").json()["speed"] == 2
    assert director.post(url + "g-hour/", {"g_minutes": 420},
                         format="json").json()["g_minutes"] == 420
    assert director.post(url + "resume/").json()["state"] == "running"


def test_a_clock_not_started_yet(aw):
    ExerciseClock.objects.filter(exercise=aw.tq23).delete()
    url = f"/api/exercise-clocks/{aw.tq23.pk}/"
    client = token_client(aw.organizer)
    state = client.get(url).json()
    assert (state["state"], state["version"]) == ("stopped", 0)
    assert client.post(url + "start/", {"version": 3}, format="json").status_code == 400
    response = client.post(url + "start/", {"minutes": 60, "version": 0}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "running"
    assert response.json()["anchor_scenario_seconds"] == 3600
    assert client.get("/api/exercise-clocks/99999999999999999999/").status_code == 404


# ---- communication checks ------------------------------------------------------------------


def test_comm_check_send_and_confirm(aw):
    client = token_client(aw.organizer)
    with capture_events() as events:
        response = client.post("/api/comm-checks/", {"exercise": aw.tq23.pk}, format="json")
    assert response.status_code == 201, response.content
    check = response.json()
    assert set(check["bodies"]) == {aw.ubnd_tq.pk, aw.tinh_uy.pk}
    assert "comm_check" in kinds(events)
    assert token_client(aw.observer).post("/api/comm-checks/", {"exercise": aw.tq23.pk},
                                          format="json").status_code == 403
    assert client.post(f"/api/comm-checks/{check['id']}/confirm/").status_code == 403
    response = token_client(aw.frame_user).post(f"/api/comm-checks/{check['id']}/confirm/")
    assert response.status_code == 200 and response.json()["body"] == aw.ubnd_tq.pk
    assert CommCheckReply.objects.filter(comm_check_id=check["id"]).count() == 1
    replies = client.get(f"/api/comm-checks/{check['id']}/").json()["replies"]
    assert [r["body"] for r in replies] == [aw.ubnd_tq.pk]


def test_a_classified_situation_needs_clearance(aw):
    response = token_client(aw.director).post(
        "/api/situations/", new_situation(aw, classification=2), format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    organizer = token_client(aw.organizer)  # no clearance
    assert pk not in ids(organizer.get("/api/situations/?page_size=200"))
    assert organizer.get(f"/api/situations/{pk}/").status_code == 404
    assert organizer.post(f"/api/situations/{pk}/issue/").status_code == 404
    assert Situation.objects.get(pk=pk).status == "scheduled"
