import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dientap.core.realtime import capture_events
from dientap.documents import services as docs
from dientap.scenarios import services
from dientap.scenarios.models import CommCheckReply, Delivery

from .conftest import situation

T0 = dt.datetime(2023, 9, 19, 7, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)


@pytest.fixture
def issued(world, scen):
    s = situation(world, scen.director, "TH-03", "N-1 06:00", [world.ubnd_tq, world.tinh_uy],
                  deadline_minutes=15)
    return services.situation_issue(s, acting_user=scen.director, now=T0)


def test_acknowledge_then_handle_on_time(world, scen, issued):
    with capture_events() as events:
        d = services.delivery_acknowledge(issued, acting_user=scen.ubnd, now=T0 + M)
    assert [e.kind for e in events] == ["situation", "scenario"]
    assert events[0].audience_bodies == [world.ubnd_tq.pk]
    assert d.acknowledged_at == T0 + M
    doc = docs.document_create(world.tq23, acting_user=None, title="Tờ trình",
                               doc_type="submission", owner_body=world.ubnd_tq)
    d = services.delivery_handle(issued, acting_user=scen.ubnd, handling_kind="advise",
                                 text="Đề xuất triệu tập", documents=[doc], now=T0 + 10 * M)
    assert not d.late and list(d.documents.all()) == [doc]
    with pytest.raises(ValidationError):  # recorded once
        services.delivery_handle(issued, acting_user=scen.ubnd, handling_kind="advise",
                                 text="Lần hai", now=T0 + 11 * M)


def test_a_late_response_is_kept_and_marked_late(world, scen, issued):
    d = services.delivery_handle(issued, acting_user=scen.party, handling_kind="convene",
                                 text="Triệu tập hội nghị", now=T0 + 16 * M)
    assert d.late and d.handled_at == T0 + 16 * M
    assert d.acknowledged_at == T0 + 16 * M  # handling implies acknowledging
    assert Delivery.objects.get(pk=d.pk).is_overdue(T0)


def test_responding_to_a_situation_not_addressed_to_you_is_refused(world, scen, issued):
    from dientap.core import testing as t

    bchqs_user = t.user("bchqs_user", body=world.bchqs)
    for user in (bchqs_user, world.stranger, world.nobody):
        with pytest.raises(PermissionDenied):
            services.delivery_acknowledge(issued, acting_user=user)
        with pytest.raises(PermissionDenied):
            services.delivery_handle(issued, acting_user=user, handling_kind="advise",
                                     text="x")
    with pytest.raises(PermissionDenied):  # not issued yet: nothing to respond to
        services.delivery_acknowledge(scen.b, acting_user=scen.party)
    with pytest.raises(PermissionDenied):  # not for another body
        services.delivery_acknowledge(issued, acting_user=scen.ubnd, body=world.tinh_uy)
    assert not Delivery.objects.filter(acknowledged_at__isnull=False).exists()


def test_handling_needs_text_and_own_documents(world, scen, issued):
    with pytest.raises(ValidationError):
        services.delivery_handle(issued, acting_user=scen.ubnd, handling_kind="advise", text=" ")
    other = docs.document_create(world.tq23, acting_user=None, title="Nghị quyết",
                                 doc_type="resolution", owner_body=world.tinh_uy)
    with pytest.raises(ValidationError):
        services.delivery_handle(issued, acting_user=scen.ubnd, handling_kind="advise",
                                 text="x", documents=[other])


def test_a_classified_situation_needs_clearance_to_respond(world, scen):
    s = situation(world, scen.director, "TH-M", "N-1 06:00", [world.ubnd_tq], classification=1)
    services.situation_issue(s, acting_user=scen.director)
    with pytest.raises(PermissionDenied):
        services.delivery_acknowledge(s, acting_user=scen.ubnd)  # clearance 0
    scen.ubnd.clearance = 1
    scen.ubnd.save()
    assert services.delivery_acknowledge(s, acting_user=scen.ubnd).acknowledged_at


def test_communication_check(world, scen):
    with capture_events() as events:
        check = services.comm_check_send(world.tq23, acting_user=scen.director, now=T0)
    assert [e.kind for e in events] == ["comm_check", "scenario"]
    assert sorted(events[0].audience_bodies) == sorted(
        [world.ubnd_tq.pk, world.tinh_uy.pk, world.bchqs.pk])
    reply = services.comm_check_confirm(check, acting_user=scen.ubnd, now=T0 + M)
    assert reply.confirmed_at == T0 + M
    assert services.comm_check_confirm(check, acting_user=scen.ubnd).pk == reply.pk  # once
    with pytest.raises(PermissionDenied):
        services.comm_check_confirm(check, acting_user=world.stranger)
    with pytest.raises(PermissionDenied):
        services.comm_check_send(world.tq23, acting_user=world.frame_user)
    assert CommCheckReply.objects.count() == 1
