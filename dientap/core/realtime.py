"""The live-update backbone.

A service that changes something calls ``emit()`` inside its transaction. The event is stored
with the next sequence number of its exercise (the counter row stays locked until commit, so
numbers follow commit order) and announced **after commit**. The announcement is only a
wake-up ("exercise 7 has new events"): every subscriber then reads the events it has not seen
from the database, filtered for its user. So a client that reconnects with ``Last-Event-ID``
gets exactly what it missed, in order, none twice, and a lost announcement delays an event
by at most one heartbeat, never loses it.

Fan-out: within one process, an asyncio notification per exercise. With ``REDIS_URL``, every
announcement is also published on a Redis channel and every process listens to it, so a
change made through process A wakes the browsers connected to process B.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Event, EventCounter

log = logging.getLogger("dientap.realtime")
CHANNEL = "dientap:events"
HEARTBEAT_SECONDS = 15


def emit(exercise_id: int, kind: str, payload: dict, *, audience_bodies=None) -> Event:
    """Store an event in the current transaction; announce it once the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() must run inside the transaction of the change")
    seq = _next_seq(exercise_id)
    event = Event.objects.create(exercise_id=exercise_id, seq=seq, kind=kind, payload=payload,
                                 audience_bodies=sorted(audience_bodies or []))
    for hook in list(_capture_hooks):
        hook(event)
    transaction.on_commit(lambda: announce(exercise_id, seq))
    return event


def _next_seq(exercise_id: int) -> int:
    """Increment the exercise's counter; the UPDATE locks its row until the commit."""
    counter = EventCounter.objects.filter(exercise_id=exercise_id)
    if not counter.update(last_seq=F("last_seq") + 1):
        try:
            with transaction.atomic():
                EventCounter.objects.create(exercise_id=exercise_id, last_seq=1)
            return 1
        except IntegrityError:  # created by a concurrent transaction meanwhile
            counter.update(last_seq=F("last_seq") + 1)
    return counter.values_list("last_seq", flat=True).get()


def events_after(exercise_id: int, after_seq: int, *, limit: int = 500):
    return list(Event.objects.filter(exercise_id=exercise_id, seq__gt=after_seq)
                .order_by("seq")[:limit])


def visible_to(event: Event, body_id) -> bool:
    return not event.audience_bodies or body_id in event.audience_bodies


def sse_frame(event: Event) -> str:
    data = json.dumps({"kind": event.kind, "seq": event.seq, "payload": event.payload},
                      ensure_ascii=False, separators=(",", ":"))
    return f"id: {event.seq}\nevent: {event.kind}\ndata: {data}\n\n"


# --- capture (tests): which events did a service emit? -------------------------------------

_capture_hooks: list[Callable[[Event], None]] = []


class capture_events:  # noqa: N801 - used as a context manager, reads like a function
    """``with capture_events() as events: service(...)``: the events emitted, in order."""

    def __enter__(self):
        self.events: list[Event] = []
        _capture_hooks.append(self.events.append)
        return self.events

    def __exit__(self, *exc):
        _capture_hooks.remove(self.events.append)
        return False


# --- fan-out ---------------------------------------------------------------------------------

class Hub:
    """Wakes the waiting streams of this process when an exercise has new events."""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiters: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = (
            defaultdict(set)
        )

    def subscribe(self, exercise_id: int) -> asyncio.Event:
        signal = asyncio.Event()
        with self._lock:
            self._waiters[exercise_id].add((asyncio.get_running_loop(), signal))
        return signal

    def unsubscribe(self, exercise_id: int, signal: asyncio.Event) -> None:
        with self._lock:
            self._waiters[exercise_id] = {
                w for w in self._waiters[exercise_id] if w[1] is not signal
            }

    def wake(self, exercise_id: int) -> None:
        with self._lock:
            waiters = list(self._waiters.get(exercise_id, ()))
        for loop, signal in waiters:
            with contextlib.suppress(RuntimeError):  # loop closed: the stream is gone
                loop.call_soon_threadsafe(signal.set)

    def subscriber_count(self, exercise_id: int) -> int:
        with self._lock:
            return len(self._waiters.get(exercise_id, ()))


hub = Hub()


def announce(exercise_id: int, seq: int) -> None:
    hub.wake(exercise_id)
    if settings.REDIS_URL:
        try:
            _redis().publish(CHANNEL, json.dumps({"exercise_id": exercise_id, "seq": seq}))
        except Exception:  # noqa: BLE001 - the event is stored; other processes catch up
            log.warning("could not publish event %s#%s to Redis", exercise_id, seq, exc_info=True)


_redis_client = None


def _redis():
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    return _redis_client


_listener_started = threading.Event()


def ensure_redis_listener() -> None:
    """Start (once per process) a thread that relays Redis announcements to this hub."""
    if not settings.REDIS_URL or _listener_started.is_set():
        return
    _listener_started.set()
    threading.Thread(target=_listen, name="dientap-redis-listener", daemon=True).start()


def _listen() -> None:
    import time

    import redis

    while True:
        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=None)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(CHANNEL)
            for message in pubsub.listen():
                try:
                    data = json.loads(message["data"])
                    hub.wake(int(data["exercise_id"]))
                except (ValueError, KeyError, TypeError):
                    continue
        except Exception:  # noqa: BLE001 - Redis went away: retry; streams poll meanwhile
            log.warning("Redis listener lost its connection; retrying", exc_info=True)
            time.sleep(1)
