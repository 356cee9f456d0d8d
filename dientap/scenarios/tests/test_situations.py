import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dientap.core.models import AuditEntry, Event
from dientap.core.realtime import capture_events
from dientap.documents import services as docs
from dientap.scenarios import services
from dientap.scenarios.models import Delivery, Situation

from .conftest import situation

T0 = dt.datetime(2023, 9, 19, 7, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)


def test_create_is_audited_and_emits_a_contentless_scenario_event(world, scen):
    with capture_events() as events:
        s = situation(world, scen.director, "TH-03", "N-1 06:00", [world.ubnd_tq, world.tinh_uy])
    assert [e.kind for e in events] == ["scenario"]
    assert events[0].payload == {} and events[0].audience_bodies == []
    assert AuditEntry.objects.filter(object_id=str(s.pk), action="create").exists()
    assert s.position == 3


def test_a_receiving_body_outside_the_frame_is_refused(world, scen):
    with pytest.raises(ValidationError) as exc:
        situation(world, scen.director, "TH-X", "N-1 06:00", [world.ubnd_pt])
    assert "receiving_bodies" in exc.value.message_dict
    with pytest.raises(ValidationError):
        situation(world, scen.director, "TH-X", "N-1 06:00", [])
    assert not Situation.objects.filter(code="TH-X").exists()


def test_duplicate_code_is_refused(world, scen):
    with pytest.raises(ValidationError):
        situation(world, scen.director, "TH-01", "N-1 06:00", [world.ubnd_tq])


def test_self_dependency_and_cycles_are_refused(world, scen):
    c = situation(world, scen.director, "TH-03", "N-1 06:00", [world.ubnd_tq],
                  depends_on=scen.b)
    services.situation_update(scen.b, acting_user=scen.director, depends_on=scen.a)
    with pytest.raises(ValidationError) as exc:
        services.situation_update(scen.a, acting_user=scen.director, depends_on=scen.a)
    assert "itself" in str(exc.value) or "chính nó" in str(exc.value)
    with pytest.raises(ValidationError) as exc:  # a → c → b → a
        services.situation_update(scen.a, acting_user=scen.director, depends_on=c)
    assert "depends_on" in exc.value.message_dict
    assert Situation.objects.get(pk=scen.a.pk).depends_on_id is None


def test_documents_and_content_items_of_another_exercise_are_refused(world, scen):
    from dientap.organizations.models import Body

    other = docs.document_create(world.pt23, acting_user=None, title="Kế hoạch", doc_type="plan",
                                 owner_body=Body.objects.get(pk=world.ubnd_pt.pk))
    with pytest.raises(ValidationError):
        situation(world, scen.director, "TH-X", "N-1 06:00", [world.ubnd_tq], documents=[other])


def test_frame_members_and_observers_cannot_write_the_scenario(world, scen):
    for user in (world.frame_user, world.observer, world.stranger):
        with pytest.raises(PermissionDenied):
            situation(world, user, "TH-X", "N-1 06:00", [world.ubnd_tq])


def test_duplicate_reorder_shift(world, scen):
    copy = services.situation_duplicate(scen.a, acting_user=scen.director)
    assert copy.code == "TH-01-2" and copy.status == "scheduled"
    assert list(copy.receiving_bodies.all()) == [world.ubnd_tq]
    services.situation_move(copy, -2, acting_user=scen.director)
    assert list(Situation.objects.order_by("position").values_list("code", flat=True)) == [
        "TH-01-2", "TH-01", "TH-02"]
    services.situations_shift(world.tq23, [scen.a.pk, scen.b.pk], 90,
                              acting_user=scen.director)
    assert Situation.objects.get(pk=scen.a.pk).time_label == "N-57 09:00"
    assert Situation.objects.get(pk=scen.b.pk).time_label == "N-57 09:30"
    assert Situation.objects.get(pk=copy.pk).time_label == "N-57 07:30"
    services.situation_issue(scen.a, acting_user=scen.director)
    with pytest.raises(ValidationError):  # issued situations do not move
        services.situations_shift(world.tq23, [scen.a.pk, scen.b.pk], 10,
                                  acting_user=scen.director)
    assert Situation.objects.get(pk=scen.b.pk).time_label == "N-57 09:30"


def test_issue_creates_deliveries_and_emits_to_the_receiving_bodies_only(world, scen):
    s = situation(world, scen.director, "TH-03", "N-1 06:00", [world.ubnd_tq, world.tinh_uy],
                  deadline_minutes=20)
    with capture_events() as events:
        services.situation_issue(s, acting_user=scen.director, now=T0)
    assert [e.kind for e in events] == ["situation", "scenario"]
    assert events[0].payload == {"situation": s.pk, "action": "issued"}
    assert sorted(events[0].audience_bodies) == sorted([world.ubnd_tq.pk, world.tinh_uy.pk])
    deliveries = Delivery.objects.filter(situation=s)
    assert {d.body_id for d in deliveries} == {world.ubnd_tq.pk, world.tinh_uy.pk}
    assert all(d.due_at == T0 + 20 * M for d in deliveries)
    s.refresh_from_db()
    assert s.status == "issued" and s.issued_by == scen.director and not s.issued_by_clock


def test_issue_is_claimed_once(world, scen):
    """The conditional update: a second issuer (click or clock) finds it already issued."""
    services.situation_issue(scen.a, acting_user=scen.director, now=T0)
    before = Event.objects.filter(kind="situation").count()
    with pytest.raises(ValidationError):
        services.situation_issue(scen.a, acting_user=scen.director, now=T0)
    services.clock_start(world.tq23, acting_user=scen.director, at_minutes=0, now=T0)
    assert [s.code for s in services.issue_due(world.tq23, now=T0)] == ["TH-02"]
    assert services._claim(scen.a.pk, ["scheduled", "held"], now=T0, acting_user=None,
                           by_clock=True, scenario_minutes=0) is False
    assert Event.objects.filter(kind="situation").count() == before + 1  # TH-02 only
    assert Delivery.objects.filter(situation=scen.a).count() == 1


def test_hold_skip_schedule_and_the_clock(world, scen):
    services.situation_hold(scen.a, acting_user=scen.director)
    services.situation_skip(scen.b, acting_user=scen.director)
    services.clock_start(world.tq23, acting_user=scen.director, at_minutes=0, now=T0)
    assert services.issue_due(world.tq23, now=T0) == []  # held and skipped stay put
    # re-time + back on the clock ("issue at scenario time")
    services.situation_schedule(scen.a, acting_user=scen.director, scenario_minutes=30)
    assert services.issue_due(world.tq23, now=T0 + 29 * M) == []
    assert [s.code for s in services.issue_due(world.tq23, now=T0 + 30 * M)] == ["TH-01"]
    with pytest.raises(ValidationError):
        services.situation_hold(scen.a, acting_user=scen.director)
    # a held situation can still be issued by hand
    c = situation(world, scen.director, "TH-03", "N+5", [world.ubnd_tq])
    services.situation_hold(c, acting_user=scen.director)
    assert services.situation_issue(c, acting_user=scen.director).status == "issued"


def test_dependency_waits_until_handled(world, scen):
    services.situation_update(scen.b, acting_user=scen.director, depends_on=scen.a)
    services.clock_start(world.tq23, acting_user=scen.director, at_minutes=0, now=T0)
    assert [s.code for s in services.issue_due(world.tq23, now=T0)] == ["TH-01"]
    assert services.issue_due(world.tq23, now=T0 + M) == []  # TH-01 not handled yet
    with pytest.raises(ValidationError):
        services.situation_issue(scen.b, acting_user=scen.director)
    services.delivery_handle(scen.a, acting_user=scen.ubnd, handling_kind="advise",
                             text="Đã tham mưu", now=T0 + 2 * M)
    assert [s.code for s in services.issue_due(world.tq23, now=T0 + 3 * M)] == ["TH-02"]


def test_issued_situations_cannot_be_edited_or_deleted(world, scen):
    services.situation_issue(scen.a, acting_user=scen.director)
    with pytest.raises(ValidationError):
        services.situation_update(scen.a, acting_user=scen.director, title="Khác")
    with pytest.raises(ValidationError):
        services.situation_delete(scen.a, acting_user=scen.director)


def test_the_ticker_issues_due_situations(world, scen):
    from django.utils import timezone

    from dientap.scenarios import ticker

    services.clock_start(world.tq23, acting_user=scen.director,
                         at_minutes=scen.a.scenario_minutes, now=timezone.now())
    assert ticker.tick() == 1
    assert ticker.tick() == 0
    assert Situation.objects.get(pk=scen.a.pk).issued_by_clock
