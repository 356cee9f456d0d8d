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

Reading: the open streams of one exercise in one process share one reader (a ``Feed``): on a
wake-up it reads the new events once, from a small pool of database threads (``run_db``), and
hands them to every stream (``Subscription``), which filters them for its user. An open stream
holds no database connection of its own, so a thousand consoles need the pool's two
connections, not a thousand. A stream that connects with ``Last-Event-ID`` reads what it missed
itself, through the same pool, and then follows the feed; sequence numbers drop what it got twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connections, transaction
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


BATCH = 500


def events_after(exercise_id: int, after_seq: int, *, limit: int = BATCH):
    return list(Event.objects.filter(exercise_id=exercise_id, seq__gt=after_seq)
                .order_by("seq")[:limit])


def last_seq(exercise_id: int) -> int:
    """The sequence number of the exercise's latest committed event (0: none yet)."""
    return (EventCounter.objects.filter(exercise_id=exercise_id)
            .values_list("last_seq", flat=True).first() or 0)


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


# --- reading: one reader per exercise, a small pool of database threads ---------------------

DB_THREADS = 2
MAX_BACKLOG = 1000  # batches a stream may fall behind before it is closed (it reconnects)
_pool = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="dientap-events")


def _in_pool(fn, *args, tries: int = 5):
    for attempt in range(1, tries + 1):
        try:
            return fn(*args)
        except DatabaseError:
            # The kept connection may have gone away (database restarted), or the table is
            # locked for a moment (SQLite): a fresh connection, a short pause, another try.
            if attempt == tries:
                raise
            connections.close_all()
            time.sleep(0.05 * attempt)
    return None


async def run_db(fn, *args):
    """Run a short database read for the live streams in the shared pool of ``DB_THREADS``
    threads (each keeps its connection), not in a thread of the request."""
    return await asyncio.get_running_loop().run_in_executor(
        _pool, functools.partial(_in_pool, fn, *args))


def close_pool_connections() -> None:
    """Close the pool threads' database connections (tests, before the database is dropped)."""
    barrier = threading.Barrier(DB_THREADS, timeout=10)

    def close():
        connections.close_all()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()  # holds this thread so that every thread of the pool closes its own

    for future in [_pool.submit(close) for _ in range(DB_THREADS)]:
        future.result()


class Frame:
    """An event as the stream sends it, encoded once (to bytes) for all the streams that get it."""

    __slots__ = ("seq", "audience", "data")

    def __init__(self, event: Event):
        self.seq = event.seq
        self.audience = event.audience_bodies
        self.data = sse_frame(event).encode()

    def visible_to(self, body_id) -> bool:
        return not self.audience or body_id in self.audience


def _wake(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Subscription:
    """One open stream of one exercise: what the feed hands it, in order, none twice.

    The feed hands every batch to a thousand streams at a time, so this is kept lean: a deque
    and one future to wake the stream's task, rather than an ``asyncio.Queue``."""

    def __init__(self, feed: Feed, after: int):
        self.feed = feed
        self.after = after
        self.pending: deque[list[Frame]] = deque()
        self.waiter: asyncio.Future | None = None
        self.overflowed = False

    def push(self, frames: list[Frame]) -> None:
        if len(self.pending) >= MAX_BACKLOG:
            self.overflowed = True  # a reader that stopped reading: closed, it catches up later
            return
        self.pending.append(frames)
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def take(self, frames, body_id) -> bytes:
        """The frames this stream has not sent yet and its user may see, as one chunk."""
        out = []
        for frame in frames:
            if frame.seq > self.after:
                self.after = frame.seq
                if not frame.audience or body_id in frame.audience:
                    out.append(frame.data)
        return out[0] if len(out) == 1 else b"".join(out)

    async def catch_up(self, body_id) -> list[bytes]:
        """What happened before this stream connected (after its Last-Event-ID), from the DB:
        one chunk per batch read."""
        out = []
        while True:
            events = await run_db(events_after, self.feed.exercise_id, self.after)
            chunk = self.take([Frame(e) for e in events], body_id)
            if chunk:
                out.append(chunk)
            if len(events) < BATCH:
                return out

    async def next(self, timeout: float) -> list[Frame] | None:
        """The next batch from the feed, or None when nothing came within ``timeout``."""
        if self.pending:
            return self.pending.popleft()
        loop = asyncio.get_running_loop()
        waiter = self.waiter = loop.create_future()
        # A timer rather than wait_for(): no extra task per event and stream.
        timer = loop.call_later(timeout, _wake, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self.waiter = None
        return self.pending.popleft() if self.pending else None

    def close(self) -> None:
        self.feed.leave(self)


class Feed:
    """Reads the events of one exercise once per wake-up for all its streams in one event loop."""

    def __init__(self, exercise_id: int):
        self.exercise_id = exercise_id
        self.subscriptions: set[Subscription] = set()
        self.signal = hub.subscribe(exercise_id)  # before the first read: no wake-up is lost
        self.head: int | None = None
        self.ready = asyncio.get_running_loop().create_future()
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            self.head = await run_db(last_seq, self.exercise_id)
        except Exception as exc:  # noqa: BLE001 - handed to the streams waiting for it
            self.ready.set_exception(exc)
            _feeds.drop(self)
            hub.unsubscribe(self.exercise_id, self.signal)
            return
        self.ready.set_result(None)
        try:
            while self.subscriptions:
                self.signal.clear()
                try:
                    events = await run_db(events_after, self.exercise_id, self.head)
                except DatabaseError:
                    log.warning("could not read events of exercise %s; retrying",
                                self.exercise_id, exc_info=True)
                    await asyncio.sleep(1)
                    continue
                if events:
                    self.head = events[-1].seq
                    frames = [Frame(e) for e in events]
                    for subscription in list(self.subscriptions):
                        subscription.push(frames)
                    if len(events) >= BATCH:
                        continue
                # A lost announcement (Redis away) costs at most one heartbeat.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.signal.wait(), HEARTBEAT_SECONDS)
        finally:
            hub.unsubscribe(self.exercise_id, self.signal)

    def leave(self, subscription: Subscription) -> None:
        self.subscriptions.discard(subscription)
        if not self.subscriptions:
            _feeds.drop(self)
            self.signal.set()  # the reader ends


class _Feeds:
    def __init__(self):
        self._lock = threading.Lock()
        self._feeds: dict[tuple[int, int], Feed] = {}

    def join(self, exercise_id: int, after: int) -> Subscription:
        key = (id(asyncio.get_running_loop()), exercise_id)
        with self._lock:
            feed = self._feeds.get(key)
            if feed is None or feed.task.done():
                feed = self._feeds[key] = Feed(exercise_id)
            subscription = Subscription(feed, after)
            feed.subscriptions.add(subscription)
            return subscription

    def drop(self, feed: Feed) -> None:
        with self._lock:
            key = (id(feed.task.get_loop()), feed.exercise_id)
            if self._feeds.get(key) is feed:
                del self._feeds[key]

    def count(self, exercise_id: int) -> int:
        with self._lock:
            return sum(len(f.subscriptions) for (_, pk), f in self._feeds.items()
                       if pk == exercise_id)


_feeds = _Feeds()


async def subscribe(exercise_id: int, after: int) -> Subscription:
    """Follow an exercise's events after ``after``: ``catch_up()`` first, then ``next()``."""
    ensure_redis_listener()
    subscription = _feeds.join(exercise_id, after)
    try:
        await asyncio.shield(subscription.feed.ready)
    except BaseException:
        subscription.close()
        raise
    return subscription


def subscriber_count(exercise_id: int) -> int:
    """Open streams of the exercise in this process."""
    return _feeds.count(exercise_id)
