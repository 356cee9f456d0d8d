"""Exactly once: a click and the clock (or two server processes) racing for one situation."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from dientap.core.models import Event
from dientap.scenarios import services
from dientap.scenarios.models import Delivery, Situation

from .conftest import situation


def _race(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(5)
            results.append(target(i))
        except Exception as exc:  # noqa: BLE001 - collected and checked below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_click_and_clock_race_issue_exactly_once(world, scen):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a database lock (no row locks to race on): "
                    "runs in the PostgreSQL pass; the claim itself is tested on SQLite in "
                    "test_situations.test_issue_is_claimed_once")
    from django.core.exceptions import ValidationError

    for round_ in range(5):
        s = situation(world, scen.director, f"R-{round_}", "N-57 07:00",
                      [world.ubnd_tq, world.tinh_uy])
        services.clock_start(world.tq23, acting_user=scen.director,
                             at_minutes=s.scenario_minutes, now=timezone.now()) \
            if round_ == 0 else None

        def issue(i, s=s):
            if i % 2:
                return len(services.issue_due(world.tq23))
            try:
                services.situation_issue(s, acting_user=scen.director)
                return 1
            except ValidationError:
                return 0

        results, errors = _race(6, issue)
        assert errors == []
        assert sum(results) == 1, results
        assert Situation.objects.get(pk=s.pk).status == "issued"
        assert Delivery.objects.filter(situation=s).count() == 2
        issued_events = [e for e in Event.objects.filter(exercise_id=world.tq23.pk,
                                                         kind="situation")
                         if e.payload == {"situation": s.pk, "action": "issued"}]
        assert len(issued_events) == 1
    seqs = list(Event.objects.filter(exercise_id=world.tq23.pk).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no duplicate
