"""The exercises API goes through the services: rights, audit, versions, validation."""

import pytest

from dientap.api.testing import api_world, audit_count, token_client
from dientap.core.audit import entries_for
from dientap.exercises.models import Exercise, FrameParticipant, Membership, Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return api_world(world)


def test_create_exercise_needs_the_permission_and_is_audited(aw):
    data = {"code_name": "TQ-25", "name": "Diễn tập 2025", "theme": "Đề mục", "area": aw.tq.pk,
            "start_date": "2025-09-01", "end_date": "2025-09-30"}
    observer = token_client(aw.observer)
    before = audit_count()
    response = observer.post("/api/exercises/", data)
    assert response.status_code == 403
    assert audit_count() == before and not Exercise.objects.filter(code_name="TQ-25").exists()
    response = token_client(aw.organizer).post("/api/exercises/", data)
    assert response.status_code == 201, response.content
    exercise = Exercise.objects.get(code_name="TQ-25")
    assert response["ETag"] == '"1"'
    assert [e.action for e in entries_for(exercise)] == ["create"]
    # The creator runs it.
    assert exercise.memberships.filter(user=aw.organizer, role="organizer").exists()


def test_invalid_exercise_is_400_with_field_errors_and_nothing_saved(aw):
    client = token_client(aw.organizer)
    before = (Exercise.objects.count(), audit_count())
    response = client.post("/api/exercises/", {
        "code_name": "X", "name": "", "theme": "t", "area": aw.pt.pk,
        "start_date": "2025-09-30", "end_date": "2025-09-01"})
    assert response.status_code == 400
    assert {"name"} <= set(response.json())
    response = client.post("/api/exercises/", {
        "code_name": "X", "name": "n", "theme": "t", "area": aw.tq.pk,
        "start_date": "2025-09-30", "end_date": "2025-09-01"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert (Exercise.objects.count(), audit_count()) == before


def test_stale_update_of_an_exercise_changes_nothing(aw):
    client = token_client(aw.organizer)
    url = f"/api/exercises/{aw.tq23.pk}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"form": "1 bên 2 cấp"}, HTTP_IF_MATCH=etag).status_code == 200
    before = audit_count()
    response = client.patch(url, {"form": "khác"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["version"] == aw.tq23.version + 1
    response = client.patch(url, {"form": "khác", "version": aw.tq23.version})
    assert response.status_code == 409
    aw.tq23.refresh_from_db()
    assert aw.tq23.form == "1 bên 2 cấp" and audit_count() == before


def test_update_without_rights_is_403_and_hidden_is_404(aw):
    url = f"/api/exercises/{aw.tq23.pk}/"
    assert token_client(aw.observer).patch(url, {"form": "x"}).status_code == 403
    assert token_client(aw.inspector).patch(url, {"form": "x"}).status_code == 403
    assert token_client(aw.stranger).patch(url, {"form": "x"}).status_code == 404
    aw.tq23.refresh_from_db()
    assert aw.tq23.form == ""


def test_status_moves_one_step(aw):
    client = token_client(aw.organizer)
    url = f"/api/exercises/{aw.tq23.pk}/"
    assert client.patch(url, {"status": "live"}).status_code == 400
    assert client.patch(url, {"status": "preparing"}).json()["status"] == "preparing"


def test_frame_participant_add_and_remove(aw):
    data = {"exercise": aw.tq23.pk, "body": aw.bchqs.pk, "role": "member"}
    assert token_client(aw.observer).post("/api/frame-participants/", data).status_code == 403
    client = token_client(aw.director)
    response = client.post("/api/frame-participants/", data)
    assert response.status_code == 201, response.content
    participant = FrameParticipant.objects.get(pk=response.json()["id"])
    assert entries_for(participant).get().user == aw.director
    assert client.post("/api/frame-participants/", data).status_code == 400  # once only
    # A body of another province cannot even be named.
    response = client.post("/api/frame-participants/", {**data, "body": aw.btl_qk9.pk})
    assert response.status_code == 400 and "body" in response.json()
    assert client.delete(f"/api/frame-participants/{participant.pk}/").status_code == 204
    assert not FrameParticipant.objects.filter(pk=participant.pk).exists()


def test_memberships(aw):
    client = token_client(aw.organizer)
    response = client.post("/api/memberships/", {"exercise": aw.tq23.pk,
                                                  "user": aw.frame_user.pk, "role": "frame"})
    assert response.status_code == 201, response.content
    membership = Membership.objects.get(pk=response.json()["id"])
    assert token_client(aw.observer).delete(
        f"/api/memberships/{membership.pk}/").status_code == 403
    assert client.delete(f"/api/memberships/{membership.pk}/", HTTP_IF_MATCH='"7"').status_code \
        == 412
    assert client.delete(f"/api/memberships/{membership.pk}/").status_code == 204


def test_structure_create_move_update_delete(aw):
    client = token_client(aw.organizer)
    response = client.post("/api/phases/", {"exercise": aw.tq23.pk, "title": "Giai đoạn 2"})
    assert response.status_code == 201, response.content
    second = response.json()
    assert second["position"] == 2
    response = client.post(f"/api/phases/{second['id']}/move/", {"delta": -1})
    assert response.json()["position"] == 1
    assert client.post(f"/api/phases/{second['id']}/move/", {"delta": 5}).status_code == 400
    response = client.patch(f"/api/phases/{second['id']}/", {"title": "Giai đoạn mới"},
                            HTTP_IF_MATCH='"1"')
    assert response.status_code == 412  # moved meanwhile
    assert token_client(aw.observer).delete(f"/api/phases/{second['id']}/").status_code == 403
    assert client.delete(f"/api/phases/{second['id']}/").status_code == 204
    assert not Phase.objects.filter(pk=second["id"]).exists()
    response = client.post("/api/training-issues/", {"phase": aw.own.phase.pk, "title": "VĐ 2"})
    assert response.status_code == 201
    response = client.post("/api/content-items/", {"issue": response.json()["id"],
                                                    "title": "ND"})
    assert response.status_code == 201


def test_rounds_and_committees(aw):
    client = token_client(aw.organizer)
    response = client.post("/api/rounds/", {"exercise": aw.tq23.pk, "kind": "final",
                                             "number": 1, "start_date": "2023-09-10",
                                             "end_date": "2023-09-11"})
    assert response.status_code == 201, response.content
    rid = response.json()["id"]
    response = client.patch(f"/api/rounds/{rid}/", {"end_date": "2030-01-01"})
    assert response.status_code == 400  # after the exercise
    response = client.patch(f"/api/rounds/{rid}/", {"exercise": aw.pt23.pk, "number": 2})
    assert response.status_code == 200 and response.json()["exercise"] == aw.tq23.pk
    response = client.post("/api/committees/", {"exercise": aw.tq23.pk, "kind": "steering",
                                                 "name": "Ban Chỉ đạo"})
    assert response.status_code == 201
    response = client.post("/api/committee-members/", {
        "committee": response.json()["id"], "person": aw.lam.pk, "position": "Trưởng ban",
        "post": aw.son.posts.first().pk})
    assert response.status_code == 400 and "post" in response.json()
