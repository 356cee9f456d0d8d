"""The conferences API: agenda, composition, holdings, attendance and the run sheet."""

import pytest

from dientap.api.testing import api_world, audit_count, token_client
from dientap.conferences.models import AgendaItem, Attendance

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return api_world(world)


def test_agenda_item_create_update_stale_delete(aw):
    client = token_client(aw.organizer)
    conf = aw.own.conference
    response = client.post("/api/agenda-items/", {
        "conference": conf.pk, "content": "Kết luận", "minutes": 15,
        "advisory_bodies": [aw.bchqs.pk]})
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["position"] == 4 and item["advisory_bodies"] == [aw.bchqs.pk]
    url = f"/api/agenda-items/{item['id']}/"
    assert client.patch(url, {"minutes": 20}, HTTP_IF_MATCH='"1"').status_code == 200
    before = audit_count()
    assert client.patch(url, {"minutes": 30}, HTTP_IF_MATCH='"1"').status_code == 412
    assert AgendaItem.objects.get(pk=item["id"]).minutes == 20 and audit_count() == before
    assert client.patch(url, {"minutes": -1}).status_code == 400
    assert token_client(aw.observer).patch(url, {"minutes": 5}).status_code == 403
    assert client.delete(url).status_code == 204


def test_agenda_reorder_and_move(aw):
    client = token_client(aw.organizer)
    items = [i.pk for i in aw.own.agenda_items]
    response = client.post("/api/agenda-items/reorder/", {
        "conference": aw.own.conference.pk, "ids": items[::-1]})
    assert response.status_code == 200, response.content
    assert [i["id"] for i in response.json()] == items[::-1]
    response = client.post("/api/agenda-items/reorder/", {
        "conference": aw.own.conference.pk, "ids": items[:2]})
    assert response.status_code == 400  # stale list: nothing moves
    response = client.post(f"/api/agenda-items/{items[0]}/move/", {"delta": -1})
    assert response.json()["position"] == 2
    assert token_client(aw.observer).post("/api/agenda-items/reorder/", {
        "conference": aw.own.conference.pk, "ids": items}).status_code == 403
    assert token_client(aw.stranger).post("/api/agenda-items/reorder/", {
        "conference": aw.own.conference.pk, "ids": items}).status_code == 400


def test_attendance_create_update_conflicts(aw):
    client = token_client(aw.organizer)
    h, seat2 = aw.own.holding, aw.own.seat2
    response = client.post("/api/attendance/", {"holding": h.pk, "entry": seat2.pk,
                                                 "status": "represented"})
    assert response.status_code == 400 and "substitute_name" in response.json()
    response = client.post("/api/attendance/", {"holding": h.pk, "entry": seat2.pk,
                                                 "status": "late", "late_minutes": 10})
    assert response.status_code == 201, response.content
    # Recorded meanwhile by someone else: a second "new" record is a conflict.
    response = client.post("/api/attendance/", {"holding": h.pk, "entry": seat2.pk,
                                                 "status": "absent"})
    assert response.status_code == 409
    url = f"/api/attendance/{aw.own.attendance.pk}/"
    assert client.patch(url, {"status": "absent"}, HTTP_IF_MATCH='"1"').status_code == 200
    assert client.patch(url, {"status": "present"}, HTTP_IF_MATCH='"1"').status_code == 412
    assert Attendance.objects.get(pk=aw.own.attendance.pk).status == "absent"
    assert token_client(aw.observer).patch(url, {"status": "present"}).status_code == 403


def test_runsheet_actions(aw):
    client = token_client(aw.organizer)
    h = aw.own.holding
    base = f"/api/holdings/{h.pk}"
    item = aw.own.agenda_items[1].pk
    assert client.post(f"{base}/item-start/", {"item": item}).status_code == 400  # not started
    assert token_client(aw.observer).post(f"{base}/start/").status_code == 403
    assert client.post(f"{base}/start/").json()["state"] == "running"
    state = client.post(f"{base}/item-start/", {"item": item}).json()
    assert [i["status"] for i in state["items"]][1] == "running"
    other_item = aw.other.agenda_item.pk
    assert client.post(f"{base}/item-start/", {"item": other_item}).status_code == 400
    state = client.post(f"{base}/item-done/", {"item": item}).json()
    assert state["items"][1]["status"] == "done"
    note = client.post(f"{base}/item-note/", {"item": item, "decision": "Nhất trí",
                                               "version": 0})
    assert note.status_code == 200
    version = note.json()["items"][1]["version"]
    assert client.post(f"{base}/item-note/", {"item": item, "decision": "Khác"},
                       HTTP_IF_MATCH=f'"{version - 1}"').status_code == 412
    assert client.get(f"{base}/runsheet/").json()["items"][1]["decision"] == "Nhất trí"
    assert client.post(f"{base}/finish/").json()["state"] == "finished"


def test_holding_update_and_conference(aw):
    client = token_client(aw.organizer)
    url = f"/api/holdings/{aw.own.holding.pk}/"
    response = client.patch(url, {"ends_at": "2000-01-01T00:00:00Z"})
    assert response.status_code == 400
    response = client.patch(url, {"round": aw.other.round.pk})
    assert response.status_code == 400  # hidden round: does not exist
    response = client.patch(f"/api/conferences/{aw.own.conference.pk}/", {"location": "P1"},
                            HTTP_IF_MATCH=f'"{aw.own.conference.version}"')
    assert response.status_code == 200
    assert response["ETag"] == f'"{aw.own.conference.version + 1}"'


def test_regression_times_before_1906_are_valid_rfc3339(aw):
    """Found by the fuzz run: local mean time (+07:06:30) is not an RFC 3339 offset."""
    import re

    client = token_client(aw.organizer)
    response = client.patch(f"/api/holdings/{aw.own.holding.pk}/",
                            {"starts_at": "0992-05-23T21:08:14Z"})
    assert response.status_code == 200, response.content
    assert response.json()["starts_at"] == "0992-05-23T21:08:14Z"
    modern = client.get(f"/api/holdings/{aw.own.holding.pk}/").json()["ends_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([.]\d+)?\+07:00", modern)
