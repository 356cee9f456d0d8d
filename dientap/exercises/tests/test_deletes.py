"""Deleting what was entered by mistake: through the services (web, API), refused with a clear
message while it is still used or already part of the exercise's history; audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from dientap.api.testing import api_world, token_client
from dientap.conferences import services as cs
from dientap.conferences.models import Attendance, Conference, Holding
from dientap.core import testing as t
from dientap.core.models import AuditEntry
from dientap.exercises import services as es
from dientap.exercises.models import Committee, Exercise, Round
from dientap.organizations import services as os_
from dientap.organizations.models import Body, Person


@pytest.fixture
def aw(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return api_world(world)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _deleted(model, pk) -> bool:
    return not model.objects.filter(pk=pk).exists() and AuditEntry.objects.filter(
        action="delete", object_id=str(pk), content_type__model=model._meta.model_name).exists()


def test_an_exercise_being_planned_is_deleted_with_everything_in_it(aw):
    exercise = aw.tq23
    assert exercise.status == Exercise.Status.PLANNING
    es.exercise_delete(exercise, acting_user=aw.organizer)
    assert _deleted(Exercise, exercise.pk)
    assert not Conference.objects.filter(exercise_id=exercise.pk).exists()
    assert not Holding.objects.filter(conference__exercise_id=exercise.pk).exists()
    assert Exercise.objects.filter(pk=aw.pt23.pk).exists()


def test_a_later_exercise_is_not_deleted(aw):
    exercise = aw.tq23
    es.exercise_update(exercise, acting_user=None, status=Exercise.Status.PREPARING)
    with pytest.raises(ValidationError, match="Close it instead"):
        es.exercise_delete(exercise, acting_user=aw.organizer)
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_only_who_may_change_the_exercise_deletes_it(aw):
    with pytest.raises(PermissionDenied):
        es.exercise_delete(aw.tq23, acting_user=aw.observer)
    assert Exercise.objects.filter(pk=aw.tq23.pk).exists()


def test_a_round_with_holdings_is_refused_an_empty_one_deleted(aw):
    with pytest.raises(ValidationError, match="still used"):
        es.round_delete(aw.own.round, acting_user=aw.organizer)
    assert Round.objects.filter(pk=aw.own.round.pk).exists()
    es.round_delete(aw.own.round3, acting_user=aw.organizer)
    assert _deleted(Round, aw.own.round3.pk)


def test_a_conference_that_was_held_is_refused(aw):
    with pytest.raises(ValidationError, match="held"):
        cs.conference_delete(aw.own.conference, acting_user=aw.organizer)
    fresh = cs.conference_create(aw.tq23, acting_user=aw.organizer, body=aw.ubnd_tq,
                                 title="Hội nghị nhập nhầm")
    cs.agenda_item_create(fresh, acting_user=aw.organizer, content="Khai mạc")
    cs.conference_delete(fresh, acting_user=aw.organizer)
    assert _deleted(Conference, fresh.pk)


def test_a_holding_is_cancelled_only_before_it_starts(aw):
    with pytest.raises(ValidationError, match="started"):
        cs.holding_delete(aw.own.running, acting_user=aw.organizer)
    cs.holding_delete(aw.own.holding, acting_user=aw.organizer)
    assert _deleted(Holding, aw.own.holding.pk)
    assert not Attendance.objects.filter(holding_id=aw.own.holding.pk).exists()


def test_an_attendance_record_is_taken_back(aw):
    cs.attendance_clear(aw.own.attendance, acting_user=aw.organizer)
    assert _deleted(Attendance, aw.own.attendance.pk)


def test_committee_deleted_with_its_member_list_people_stay(aw):
    member = aw.own.committee_member
    es.committee_delete(aw.own.committee, acting_user=aw.organizer)
    assert _deleted(Committee, aw.own.committee.pk)
    assert Person.objects.filter(pk=member.person_id).exists()


def test_a_body_or_person_still_used_is_refused_naming_the_use(aw):
    with pytest.raises(ValidationError, match="still used"):
        os_.body_delete(aw.ubnd_tq, acting_user=aw.organizer)
    with pytest.raises(ValidationError, match="still used"):
        os_.person_delete(aw.son, acting_user=aw.organizer)
    spare = os_.body_create(acting_user=aw.organizer, name="Ban nhập nhầm", area=aw.tq,
                            kind=Body.Kind.DEPARTMENT)
    os_.body_delete(spare, acting_user=aw.organizer)
    assert _deleted(Body, spare.pk)
    nobody = t.person("Nguyễn Văn Nhầm", (aw.ubnd_tq, "Chuyên viên"))
    os_.person_delete(nobody, acting_user=aw.organizer)
    assert _deleted(Person, nobody.pk)


def test_api_delete_refused_with_the_message_and_nothing_changed(aw):
    client = token_client(aw.organizer)
    before = AuditEntry.objects.count()
    response = client.delete(f"/api/rounds/{aw.own.round.pk}/")
    assert response.status_code == 400, response.content
    message = response.json()["non_field_errors"][0]
    assert "vẫn đang được sử dụng" in message and "Hội nghị TQ" in message
    assert AuditEntry.objects.count() == before
    stale = client.delete(f"/api/holdings/{aw.own.holding.pk}/", HTTP_IF_MATCH='"999"')
    assert stale.status_code in (409, 412)
    assert Holding.objects.filter(pk=aw.own.holding.pk).exists()
    ok = client.delete(f"/api/holdings/{aw.own.holding.pk}/",
                       HTTP_IF_MATCH=f'"{aw.own.holding.version}"')
    assert ok.status_code == 204
