"""The clock arithmetic with a fake `now`: start, pause, resume, jump, speed; due times move
with a pause while the situations' scenario times do not."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from dientap.core.realtime import capture_events
from dientap.scenarios import clock as clockmath
from dientap.scenarios import services
from dientap.scenarios.models import ExerciseClock, Situation
from dientap.scenarios.scenario_time import parse

T0 = dt.datetime(2023, 9, 19, 7, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)


def fake(state="running", anchor_real=T0, seconds=0, speed=1.0, g=None):
    return SimpleNamespace(state=state, anchor_real=anchor_real, anchor_scenario_seconds=seconds,
                           speed=speed, g_minutes=g)


def test_pure_arithmetic():
    c = fake(seconds=parse("N-1 06:00").minutes * 60)
    assert clockmath.scenario_minutes(c, T0) == parse("N-1 06:00").minutes
    assert clockmath.scenario_minutes(c, T0 + 90 * M) == parse("N-1 07:30").minutes
    c.speed = 10
    assert clockmath.scenario_minutes(c, T0 + 6 * M) == parse("N-1 07:00").minutes
    c.state = "paused"
    assert clockmath.scenario_minutes(c, T0 + 600 * M) == parse("N-1 06:00").minutes
    # G-relative times need G
    assert clockmath.effective_minutes(c, 90, True) is None
    c.g_minutes = parse("N 07:00").minutes
    assert clockmath.effective_minutes(c, 90, True) == parse("N 08:30").minutes


def test_due_real_time_and_speed():
    c = fake(seconds=0)
    assert clockmath.due_real_time(c, 60, T0) == T0 + 60 * M
    c.speed = 4
    assert clockmath.due_real_time(c, 60, T0) == T0 + 15 * M
    assert clockmath.due_real_time(c, -10, T0 + 5 * M) == T0 + 5 * M  # already passed: now
    c.state = "paused"
    assert clockmath.due_real_time(c, 60, T0) is None


def test_start_pause_resume_jump_speed_through_the_services(world, scen):
    ex = world.tq23
    user = scen.director
    start = parse("N-57 07:00").minutes
    with capture_events() as events:
        clock = services.clock_start(ex, acting_user=user, at_minutes=start, now=T0)
    assert [e.kind for e in events] == ["clock", "scenario"]
    assert events[0].payload["state"] == "running"
    assert clockmath.scenario_minutes(clock, T0 + 30 * M) == start + 30
    # TH-01 at 07:30 falls due at T0+30min
    assert clockmath.due_real_time(clock, scen.a.scenario_minutes, T0) == T0 + 30 * M

    clock = services.clock_pause(ex, acting_user=user, now=T0 + 20 * M)
    assert clock.state == "paused"
    assert clockmath.scenario_minutes(clock, T0 + 500 * M) == start + 20
    with pytest.raises(ValidationError):
        services.clock_pause(ex, acting_user=user, now=T0 + 21 * M)
    # Paused 30 minutes: TH-01 now falls due 30 minutes later, its scenario time unchanged.
    clock = services.clock_resume(ex, acting_user=user, now=T0 + 50 * M)
    assert clockmath.due_real_time(clock, scen.a.scenario_minutes, T0 + 50 * M) == T0 + 60 * M
    assert Situation.objects.get(pk=scen.a.pk).scenario_minutes == parse("N-57 07:30").minutes
    assert services.issue_due(ex, now=T0 + 59 * M) == []
    assert [s.code for s in services.issue_due(ex, now=T0 + 60 * M)] == ["TH-01"]

    clock = services.clock_set_speed(ex, acting_user=user, speed=2, now=T0 + 60 * M)
    assert clockmath.scenario_minutes(clock, T0 + 60 * M) == start + 30  # no jump in time
    assert clockmath.due_real_time(clock, scen.b.scenario_minutes, T0 + 60 * M) == T0 + 75 * M
    with pytest.raises(ValidationError):
        services.clock_set_speed(ex, acting_user=user, speed=0, now=T0 + 61 * M)

    clock = services.clock_jump(ex, acting_user=user, to_minutes=parse("N-1 06:00").minutes,
                                now=T0 + 61 * M)
    assert clockmath.scenario_minutes(clock, T0 + 61 * M) == parse("N-1 06:00").minutes
    # Everything scheduled before the jump target is due at once (TH-02)
    assert [s.code for s in services.issue_due(ex, now=T0 + 61 * M)] == ["TH-02"]


def test_the_clock_is_persisted(world, scen):
    services.clock_start(world.tq23, acting_user=scen.director, at_minutes=0, now=T0)
    services.clock_set_speed(world.tq23, acting_user=scen.director, speed=3, now=T0 + 10 * M)
    # "A restart": read back from the database only
    clock = ExerciseClock.objects.get(exercise=world.tq23)
    assert clock.state == "running" and clock.speed == 3
    assert clockmath.scenario_minutes(clock, T0 + 20 * M) == 10 + 30


def test_g_relative_situations_wait_for_g(world, scen):
    from .conftest import situation

    g = situation(world, scen.director, "TH-G", "G+0:30", [world.ubnd_tq])
    services.clock_start(world.tq23, acting_user=scen.director,
                         at_minutes=parse("N 07:00").minutes, now=T0)
    issued = services.issue_due(world.tq23, now=T0 + 60 * M)
    assert [s.code for s in issued] == ["TH-01", "TH-02"]  # not TH-G: G unknown
    services.clock_set_g(world.tq23, acting_user=scen.director,
                         g_minutes=parse("N 07:15").minutes)
    assert [s.pk for s in services.issue_due(world.tq23, now=T0 + 60 * M)] == [g.pk]


def test_only_the_directing_staff_control_the_clock(world, scen):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.clock_start(world.tq23, acting_user=world.observer, now=T0)
    with pytest.raises(PermissionDenied):
        services.clock_start(world.tq23, acting_user=world.frame_user, now=T0)
    assert not ExerciseClock.objects.filter(state="running").exists()
