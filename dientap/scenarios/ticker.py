"""The exercise clock's ticker: issues the situations that fall due.

Every second, ``tick()`` calls ``services.issue_due`` for each exercise whose clock runs.
Issuing is claimed in the database, so any number of tickers (threads, server processes, the
``run_clock`` command) may run at once: each situation is still issued exactly once.

Where it runs:

- in every server process, as one daemon thread started lazily by ``ensure_ticker()`` when the
  first scenario page, console or console state is served (a restarted process starts it as
  soon as a console reconnects and reloads its state);
- or in a separate process: ``dientap manage run_clock``.

Set ``DIENTAP_CLOCK_TICKER=0`` (or the setting ``SCENARIO_TICKER = False``, as the tests do)
to keep the server processes from ticking, e.g. when ``run_clock`` runs on its own.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection

log = logging.getLogger("dientap.scenarios.ticker")
TICK_SECONDS = 1.0
_started = threading.Event()


def enabled() -> bool:
    default = os.environ.get("DIENTAP_CLOCK_TICKER", "1") != "0"
    return bool(getattr(settings, "SCENARIO_TICKER", default))


def tick(now=None) -> int:
    """Issue what is due on every running clock; return how many situations were issued."""
    from dientap.exercises.models import Exercise

    from . import services
    from .models import ExerciseClock

    issued = 0
    running = ExerciseClock.objects.filter(state=ExerciseClock.State.RUNNING)
    for exercise in Exercise.objects.filter(pk__in=running.values("exercise_id")):
        try:
            issued += len(services.issue_due(exercise, now=now))
        except Exception:  # one exercise's fault must not stop the others
            log.exception("issuing due situations of exercise %s failed", exercise.pk)
    return issued


def run_forever(interval: float = TICK_SECONDS, stop: threading.Event | None = None) -> None:
    while stop is None or not stop.is_set():
        started = time.monotonic()
        try:
            close_old_connections()
            tick()
        except Exception:  # noqa: BLE001 - the database may be away for a moment: retry
            log.warning("clock tick failed", exc_info=True)
        finally:
            connection.close()
        time.sleep(max(0.05, interval - (time.monotonic() - started)))


def ensure_ticker() -> None:
    """Start (once per process) the ticker thread, unless disabled."""
    if _started.is_set() or not enabled():
        return
    _started.set()
    threading.Thread(target=run_forever, name="dientap-clock-ticker", daemon=True).start()
