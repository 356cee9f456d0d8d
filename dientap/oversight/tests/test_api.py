"""Oversight's REST API: scoping, optimistic concurrency, validation, the services (audit and
live events) under every action, pagination."""

import pytest

from dientap.api.testing import api_world, audit_count, ids, token_client
from dientap.core.realtime import capture_events
from dientap.oversight import services
from dientap.oversight.models import (
    BudgetLine,
    ChecklistItem,
    CorrectiveAction,
    Criterion,
    Observation,
    RoundReadiness,
    Score,
)
from dientap.oversight.tests.access import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return api_world(world)


# ---- observations --------------------------------------------------------------------------


def test_observations_are_recorded_by_observers_and_read_by_overseers(aw):
    observer = token_client(aw.observer)
    before = audit_count()
    with capture_events() as events:
        response = observer.post("/api/observations/", {
            "exercise": aw.tq23.pk, "kind": "strength", "text": "Chủ trì điều hành chặt chẽ",
            "holding": aw.own.holding.pk, "agenda_item": aw.own.agenda_item.pk}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["author"] == aw.observer.pk and data["round"] == aw.own.round.pk
    assert audit_count() == before + 1
    assert [e.kind for e in events] == ["observation.created"]
    # The inspector reads both provinces' observations and records none.
    inspector = token_client(aw.inspector)
    assert {data["id"], aw.other.observation.pk} <= ids(inspector.get(
        "/api/observations/?page_size=200"))
    assert inspector.post("/api/observations/", {
        "exercise": aw.tq23.pk, "kind": "strength", "text": "x", "body": aw.ubnd_tq.pk},
        format="json").status_code == 403
    # A frame body sees none; another exercise's observation is a 404.
    assert ids(token_client(aw.frame_user).get("/api/observations/")) == set()
    assert observer.get(f"/api/observations/{aw.other.observation.pk}/").status_code == 404
    assert ids(observer.get(f"/api/observations/?kind=strength&exercise={aw.tq23.pk}")) == {
        data["id"]}
    assert ids(observer.get(f"/api/observations/?body={aw.ubnd_tq.pk}")) == {
        aw.own.observation.pk}


def test_observation_about_two_things_is_400_and_nothing_is_saved(aw):
    count = Observation.objects.count()
    response = token_client(aw.observer).post("/api/observations/", {
        "exercise": aw.tq23.pk, "kind": "shortcoming", "text": "Thiếu",
        "body": aw.ubnd_tq.pk, "holding": aw.own.holding.pk}, format="json")
    assert response.status_code == 400
    assert "exactly one" in str(response.json()) or "một" in str(response.json())
    response = token_client(aw.observer).post("/api/observations/", {
        "exercise": aw.tq23.pk, "kind": "nonsense", "text": "", "body": aw.ubnd_tq.pk},
        format="json")
    assert response.status_code == 400 and {"kind", "text"} <= set(response.json())
    assert Observation.objects.count() == count


def test_observation_photo_and_delete(aw):
    obs = aw.own.observation
    client = token_client(aw.organizer)
    response = client.get(f"/api/observations/{obs.pk}/photo/")
    assert response.status_code == 200 and response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert client.get(f"/api/observations/{obs.pk}/").json()["has_photo"] is True
    assert token_client(aw.observer).delete(f"/api/observations/{obs.pk}/").status_code == 403
    assert client.delete(f"/api/observations/{obs.pk}/").status_code == 204
    assert not Observation.objects.filter(pk=obs.pk).exists()


# ---- evaluation ----------------------------------------------------------------------------


def test_criteria_and_scales(aw):
    client = token_client(aw.organizer)
    scales = client.get(f"/api/scales/?exercise={aw.tq23.pk}").json()["results"]
    assert {s["code"] for s in scales} == {"vn4", "hseep"}
    assert [lv["code"] for lv in scales[0]["levels"]] == ["G", "K", "D", "KD"]
    response = client.post("/api/criteria/", {
        "exercise": aw.tq23.pk, "title": "Bảo đảm hậu cần", "scale": aw.own.scale.pk},
        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["position"] == 9
    # A scale of another exercise is an unknown reference.
    response = client.post("/api/criteria/", {
        "exercise": aw.tq23.pk, "title": "x", "scale": aw.other.scale.pk}, format="json")
    assert response.status_code == 400 and response.json()["scale"]
    criterion = aw.own.criterion
    assert token_client(aw.observer).patch(f"/api/criteria/{criterion.pk}/", {
        "title": "x"}, format="json").status_code == 403
    response = client.patch(f"/api/criteria/{criterion.pk}/", {"title": "Mới"},
                            format="json", HTTP_IF_MATCH='"99"')
    assert response.status_code == 412
    assert Criterion.objects.get(pk=criterion.pk).title == criterion.title
    # Seeding again leaves the criteria as they are.
    response = client.post("/api/criteria/seed/", {"exercise": aw.tq23.pk}, format="json")
    assert response.status_code == 200 and len(response.json()) == 9


def test_scores_replace_and_summarise(aw):
    observer = token_client(aw.observer)
    criterion = aw.own.criterion
    levels = {lv.code: lv for lv in criterion.scale.levels.all()}
    payload = {"criterion": criterion.pk, "round": aw.own.round2.pk, "body": aw.ubnd_tq.pk,
               "level": levels["K"].pk, "comment": "Khá"}
    first = observer.post("/api/scores/", payload, format="json")
    assert first.status_code == 201, first.content
    second = observer.post("/api/scores/", {**payload, "level": levels["G"].pk}, format="json")
    assert second.json()["id"] == first.json()["id"]
    assert Score.objects.get(pk=first.json()["id"]).level == levels["G"]
    # A level of another scale, or neither body nor holding: 400.
    hseep = aw.own.scale.exercise.scales.get(code="hseep").levels.first()
    assert observer.post("/api/scores/", {**payload, "level": hseep.pk},
                         format="json").status_code == 400
    response = observer.post("/api/scores/", {"criterion": criterion.pk,
                                              "round": aw.own.round2.pk,
                                              "level": levels["K"].pk}, format="json")
    assert response.status_code == 400 and response.json()["non_field_errors"]
    assert token_client(aw.inspector).post("/api/scores/", payload,
                                           format="json").status_code == 403
    # Changing a score: comment and level, with its version.
    score = Score.objects.get(pk=first.json()["id"])
    response = observer.patch(f"/api/scores/{score.pk}/", {"comment": "Giỏi",
                                                           "version": score.version - 1},
                              format="json")
    assert response.status_code == 409
    response = observer.patch(f"/api/scores/{score.pk}/", {"comment": "Giỏi"}, format="json")
    assert response.status_code == 200 and response.json()["comment"] == "Giỏi"
    summary = observer.get(f"/api/scores/summary/?exercise={aw.tq23.pk}").json()
    assert summary["by_body"][0]["body"] == aw.ubnd_tq.pk
    assert summary["by_body"][0]["n"] == 2
    assert observer.get(f"/api/scores/summary/?exercise={aw.pt23.pk}").status_code == 400


# ---- corrective actions --------------------------------------------------------------------


def test_action_create_validates(aw):
    client = token_client(aw.organizer)
    count = CorrectiveAction.objects.count()
    response = client.post("/api/corrective-actions/", {"exercise": aw.tq23.pk},
                           format="json")
    assert response.status_code == 400 and {"owner_body", "title", "due_date"} <= set(
        response.json())
    response = client.post("/api/corrective-actions/", {
        "exercise": aw.tq23.pk, "owner_body": aw.ubnd_pt.pk, "title": "x",
        "due_date": "2023-10-01"}, format="json")
    assert response.status_code == 400
    assert CorrectiveAction.objects.count() == count
    response = client.post("/api/corrective-actions/", {
        "exercise": aw.tq23.pk, "owner_body": aw.ubnd_tq.pk, "title": "Bổ sung kế hoạch",
        "due_date": "2023-10-01", "blocking": True, "round": aw.own.round.pk,
        "observation": aw.own.observation.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["created_by"] == aw.organizer.pk
    assert response.json()["overdue"] is True
    listed = ids(client.get(f"/api/corrective-actions/?exercise={aw.tq23.pk}&overdue=true"
                            f"&blocking=true"))
    assert listed == {response.json()["id"]}


def test_action_steps_through_the_service(aw):
    action = aw.own.corrective
    owner = token_client(aw.frame_user)  # UBND tỉnh owns it
    organizer = token_client(aw.organizer)
    url = f"/api/corrective-actions/{action.pk}/"
    assert token_client(aw.other_body_user).post(url + "start/").status_code == 404
    assert token_client(aw.observer).post(url + "start/").status_code == 403
    response = owner.post(url + "start/", {"version": action.version - 1} if action.version > 1
                          else {"version": action.version + 5}, format="json")
    assert response.status_code == 409
    assert CorrectiveAction.objects.get(pk=action.pk).status == "open"
    before = audit_count()
    response = owner.post(url + "start/", HTTP_IF_MATCH=f'"{action.version}"')
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert audit_count() == before + 1
    response = owner.post(url + "done/", {"note": "Đã bổ sung phụ lục",
                                          "fixed_by_version": aw.own.doc_version.pk},
                          format="json")
    assert response.status_code == 200, response.content
    assert response.json()["done_by"] == aw.frame_user.pk
    assert owner.post(url + "verify/").status_code == 403
    assert owner.patch(url, {"title": "x"}, format="json").status_code == 403
    assert organizer.post(url + "reopen/", {"reason": ""}, format="json").status_code == 400
    assert organizer.post(url + "verify/").json()["status"] == "verified"
    assert organizer.post(url + "verify/").status_code == 400
    assert organizer.post(url + "reopen/", {"reason": "Chưa đạt"},
                          format="json").json()["status"] == "reopened"
    response = organizer.post(url + "raise-again/", {"round": aw.own.round.pk,
                                                     "due_date": "2023-12-01"}, format="json")
    assert response.status_code == 400 and response.json()["round"]
    response = organizer.post(url + "raise-again/", {"round": aw.own.later_round.pk,
                                                     "due_date": "2023-12-01"}, format="json")
    assert response.status_code == 201
    assert response.json()["raised_again_from"] == action.pk
    assert ids(organizer.get(f"/api/corrective-actions/?raised_again_from={action.pk}")) == {
        response.json()["id"]}


def test_round_readiness_is_blocked_by_open_blocking_actions(aw):
    client = token_client(aw.director)
    services.action_update(aw.own.corrective, acting_user=None, blocking=True)
    response = client.post("/api/round-readiness/", {"round": aw.own.round.pk}, format="json")
    assert response.status_code == 400 and response.json()["non_field_errors"]
    assert not RoundReadiness.objects.filter(round=aw.own.round).exists()
    response = client.post("/api/round-readiness/", {
        "round": aw.own.round.pk, "override_reason": "Đã thống nhất với Ban Chỉ đạo"},
        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["open_blocking"] == [aw.own.corrective.pk]
    assert response.json()["by"] == aw.director.pk
    assert client.post("/api/round-readiness/", {"round": aw.own.round.pk, "override_reason":
                                                 "x"}, format="json").status_code == 400
    assert token_client(aw.observer).post("/api/round-readiness/", {
        "round": aw.own.round2.pk}, format="json").status_code == 403
    assert ids(client.get(f"/api/round-readiness/?exercise={aw.tq23.pk}")) == {
        response.json()["id"], aw.own.readiness.pk}


# ---- checklist and budget ------------------------------------------------------------------


def test_checklist_owner_changes_status_and_evidence_only(aw):
    item = aw.own.checklist_item
    owner = token_client(aw.frame_user)
    url = f"/api/checklist-items/{item.pk}/"
    assert owner.patch(url, {"title": "Khác"}, format="json").status_code == 403
    response = owner.patch(url, {"status": "ready", "evidence": "Đã kiểm tra"}, format="json",
                           HTTP_IF_MATCH=f'"{item.version}"')
    assert response.status_code == 200 and response.json()["status"] == "ready"
    # A full PUT that changes only what the body may change is accepted.
    data = owner.get(url).json()
    data.update(status="problem")
    response = owner.put(url, data, format="json")
    assert response.status_code == 200, response.content
    assert ChecklistItem.objects.get(pk=item.pk).status == "problem"
    stale = owner.patch(url, {"status": "ready"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert ChecklistItem.objects.get(pk=item.pk).status == "problem"
    assert owner.get(url + "evidence-file/").content == PNG
    assert token_client(aw.other_body_user).get(url).status_code == 404
    response = token_client(aw.organizer).post("/api/checklist-items/", {
        "exercise": aw.tq23.pk, "category": "nowhere", "title": "x",
        "owner_body": aw.ubnd_tq.pk, "due_date": "2023-10-01"}, format="json")
    assert response.status_code == 400 and response.json()["category"]


def test_budget_lines(aw):
    organizer = token_client(aw.organizer)
    response = organizer.post("/api/budget-lines/", {
        "exercise": aw.tq23.pk, "title": "Thuê xe", "owner_body": aw.ubnd_tq.pk,
        "planned": 5_000_000}, format="json")
    assert response.status_code == 201, response.content
    line = BudgetLine.objects.get(pk=response.json()["id"])
    owner = token_client(aw.frame_user)
    url = f"/api/budget-lines/{line.pk}/"
    assert owner.patch(url, {"planned": 1}, format="json").status_code == 403
    response = owner.patch(url, {"actual": 5_500_000}, format="json")
    assert response.status_code == 200 and response.json()["variance"] == 500_000
    assert organizer.patch(url, {"planned": -1}, format="json").status_code == 400
    assert organizer.patch(url, {"actual": 1, "version": 1}, format="json").status_code == 409
    assert BudgetLine.objects.get(pk=line.pk).actual == 5_500_000
    assert ids(token_client(aw.stranger).get("/api/budget-lines/")) == {
        aw.other.budget_line.pk}


def test_pagination(aw):
    client = token_client(aw.admin)
    first = client.get("/api/corrective-actions/?page_size=1").json()
    assert first["count"] == 4 and len(first["results"]) == 1 and first["next"]
