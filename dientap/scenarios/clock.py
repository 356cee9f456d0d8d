"""Clock arithmetic: pure functions of a clock's stored state and a real `now`.

Scenario time is measured in seconds from day N 00:00. While the clock runs,
``scenario = anchor_scenario + (now - anchor_real) × speed``; otherwise it stands at the anchor.
A situation's scenario time never changes when the clock is paused: the *real* time at which it
falls due does (``due_real_time``), which is how a pause shifts the scheduled situations.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from .scenario_time import DAY


def scenario_seconds(clock, now: datetime) -> float:
    """Scenario-now in seconds from N 00:00."""
    base = float(clock.anchor_scenario_seconds)
    if clock.state == "running" and clock.anchor_real is not None:
        return base + (now - clock.anchor_real).total_seconds() * float(clock.speed)
    return base


def scenario_minutes(clock, now: datetime) -> int:
    """Scenario-now in whole minutes (a situation at 07:30 is due from 07:30:00 on)."""
    return math.floor(scenario_seconds(clock, now) / 60)


def effective_minutes(clock, minutes: int, g_relative: bool) -> int | None:
    """Scenario minutes from N 00:00 of a time; None for a G time while G is not set."""
    if not g_relative:
        return minutes
    g = getattr(clock, "g_minutes", None) if clock is not None else None
    return None if g is None else g + minutes


def due_real_time(clock, minutes: int | None, now: datetime) -> datetime | None:
    """When (real time) the clock reaches `minutes`; None while it is not running.

    A time already passed is due `now`.
    """
    if minutes is None or clock is None or clock.state != "running" or not clock.anchor_real:
        return None
    delta = (minutes * 60 - clock.anchor_scenario_seconds) / float(clock.speed)
    due = clock.anchor_real + timedelta(seconds=delta)
    return max(due, now)


def rebase(clock, now: datetime) -> None:
    """Move the anchor to `now` without changing scenario-now (before any change of state)."""
    clock.anchor_scenario_seconds = round(scenario_seconds(clock, now))
    clock.anchor_real = now


def day_start(minutes: int) -> int:
    return (minutes // DAY) * DAY
