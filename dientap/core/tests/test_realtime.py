"""The live-update backbone: stored before sent, sent after commit, replayed by sequence."""

import http.client
import json
import threading
import time

import pytest
from django.db import transaction

from dientap.core import realtime
from dientap.core.models import Event
from dientap.core.testing import wait_for


def test_emit_outside_a_transaction_is_a_programming_error(transactional_db):
    with pytest.raises(RuntimeError):
        realtime.emit(1, "x", {})


def test_sequence_numbers_per_exercise(db):
    with transaction.atomic():
        a1 = realtime.emit(1, "x", {})
        b1 = realtime.emit(2, "x", {})
        a2 = realtime.emit(1, "x", {})
    assert (a1.seq, a2.seq, b1.seq) == (1, 2, 1)


def test_announced_only_after_commit(db, django_capture_on_commit_callbacks, monkeypatch):
    announced = []
    monkeypatch.setattr(realtime, "announce", lambda *args: announced.append(args))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        realtime.emit(1, "x", {"n": 1})
        assert announced == []  # not before the commit
    assert announced == [(1, 1)]  # once, after it
    assert Event.objects.filter(exercise_id=1).count() == 1


def test_rolled_back_change_leaves_no_event(db, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks() as callbacks, pytest.raises(ZeroDivisionError),
          transaction.atomic()):
        realtime.emit(1, "x", {})
        1 / 0  # noqa: B018
    assert callbacks == []
    assert not Event.objects.exists()
    with transaction.atomic():
        assert realtime.emit(1, "x", {}).seq == 1  # the number was not used up


def test_replay_in_order_without_duplicates(db):
    with transaction.atomic():
        for n in range(7):
            realtime.emit(5, "x", {"n": n})
    assert [e.payload["n"] for e in realtime.events_after(5, 0)] == list(range(7))
    assert [e.seq for e in realtime.events_after(5, 4)] == [5, 6, 7]
    assert realtime.events_after(5, 7) == []


def test_audience(db):
    with transaction.atomic():
        everyone = realtime.emit(1, "x", {})
        some = realtime.emit(1, "x", {}, audience_bodies=[3, 4])
    assert realtime.visible_to(everyone, None) and realtime.visible_to(everyone, 9)
    assert realtime.visible_to(some, 3) and not realtime.visible_to(some, 9)
    assert not realtime.visible_to(some, None)


# --- the SSE stream, over a real ASGI server --------------------------------------------------


def read_events(server, path, cookie, last_event_id=None, count=1, timeout=10):
    """Open the stream and read `count` events (id, kind, data)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    headers = {"Cookie": cookie, "Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    if response.status != 200:
        conn.close()
        return response.status, []
    events, current = [], {}
    while len(events) < count:
        line = response.fp.readline().decode().rstrip("\n")
        if line.startswith("id: "):
            current["id"] = int(line[4:])
        elif line.startswith("event: "):
            current["kind"] = line[7:]
        elif line.startswith("data: "):
            current["data"] = json.loads(line[6:])
        elif line == "" and current:
            events.append(current)
            current = {}
    conn.close()
    return 200, events


def session_cookie(client, user):
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_stream_replays_what_was_missed_then_follows_live(asgi_server, client, world):
    server = asgi_server()
    cookie = session_cookie(client, world.observer)
    exercise = world.tq23.pk
    with transaction.atomic():
        for n in range(3):
            realtime.emit(exercise, "runsheet", {"n": n})
    path = f"/exercises/{exercise}/events/"
    status, events = read_events(server, path, cookie, last_event_id=1, count=2)
    assert status == 200
    assert [(e["id"], e["data"]["payload"]["n"]) for e in events] == [(2, 1), (3, 2)]

    # A live event reaches a connected stream (after the replay).
    received = []
    reader = threading.Thread(target=lambda: received.extend(
        read_events(server, path, cookie, last_event_id=3, count=1)[1]))
    reader.start()
    deadline = time.monotonic() + 5
    while realtime.subscriber_count(exercise) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    with transaction.atomic():
        realtime.emit(exercise, "runsheet", {"n": 3})
    reader.join(10)
    assert [(e["id"], e["data"]["payload"]["n"]) for e in received] == [(4, 3)]


def test_stream_filters_by_audience_and_hides_other_exercises(asgi_server, client, world):
    server = asgi_server()
    exercise = world.tq23.pk
    with transaction.atomic():
        realtime.emit(exercise, "situation", {"to": "police"},
                      audience_bodies=[world.bchqs.pk + 999])
        realtime.emit(exercise, "situation", {"to": "everyone"})
    status, events = read_events(server, f"/exercises/{exercise}/events/",
                                 session_cookie(client, world.observer), count=1)
    assert [e["data"]["payload"]["to"] for e in events] == ["everyone"]
    status, _ = read_events(server, f"/exercises/{exercise}/events/",
                            session_cookie(client, world.stranger))
    assert status == 404
    status, _ = read_events(server, f"/exercises/{exercise}/events/", "")
    assert status == 404


# --- many streams, one reader -----------------------------------------------------------------


class Stream:
    """An open SSE connection whose events are read in a thread of their own."""

    def __init__(self, server, path, cookie, last_event_id=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        headers = {"Cookie": cookie, "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", path, headers=headers)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        self.ids: list[int] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for raw in self.response.fp:
                line = raw.decode().rstrip("\n")
                if line.startswith("id: "):
                    self.ids.append(int(line[4:]))
        except (OSError, ValueError):  # closed by close()
            pass

    def close(self):
        self.conn.sock.shutdown(2)
        self.conn.close()


def _connections_to_this_database() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_open_streams_hold_no_database_connection(asgi_server, client, world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("counts PostgreSQL's connections")
    server = asgi_server()
    cookie = session_cookie(client, world.observer)
    exercise = world.tq23.pk
    path = f"/exercises/{exercise}/events/"
    Stream(server, path, cookie).close()  # the pool's threads exist from here on
    assert wait_for(lambda: realtime.subscriber_count(exercise) == 0)
    before = _connections_to_this_database()
    streams = [Stream(server, path, cookie) for _ in range(25)]
    try:
        assert wait_for(lambda: realtime.subscriber_count(exercise) == 25)
        # 25 open streams; at most the pool's threads may have opened connections meanwhile.
        assert _connections_to_this_database() <= before + realtime.DB_THREADS
        with transaction.atomic():
            seqs = [realtime.emit(exercise, "runsheet", {"n": n}).seq for n in range(3)]
        assert wait_for(lambda: all(len(s.ids) >= 3 for s in streams))
        assert all(s.ids == seqs for s in streams)
    finally:
        for s in streams:
            s.close()
    assert wait_for(lambda: realtime.subscriber_count(exercise) == 0)


def test_streams_joining_while_events_flow_get_each_event_once_in_order(asgi_server, client,
                                                                          world):
    """Streams connect with different Last-Event-IDs while another thread keeps emitting:
    each gets exactly the events after its Last-Event-ID, in order, none twice, none lost."""
    server = asgi_server()
    cookie = session_cookie(client, world.observer)
    exercise = world.tq23.pk
    path = f"/exercises/{exercise}/events/"
    with transaction.atomic():
        for n in range(5):
            realtime.emit(exercise, "runsheet", {"n": n})
    total = 45
    done = threading.Event()

    def emitter():
        from django.db import OperationalError, connection

        try:
            for n in range(5, total):
                for attempt in range(20):
                    try:
                        with transaction.atomic():
                            realtime.emit(exercise, "runsheet", {"n": n})
                        break
                    except OperationalError:
                        # The tests' in-memory SQLite locks a table against a writer while
                        # a stream reads it (a database file would wait): write again.
                        time.sleep(0.02 * (attempt + 1))
        finally:
            done.set()
            connection.close()

    first = Stream(server, path, cookie, last_event_id=0)
    thread = threading.Thread(target=emitter)
    thread.start()
    rest = []
    for after in (2, 5, 9, None, 17, 3):
        # None: whatever the first stream has seen by now (the live edge)
        last = after if after is not None else (first.ids or [0])[-1]
        rest.append((Stream(server, path, cookie, last_event_id=last), last))
    thread.join(30)
    try:
        assert done.is_set()
        # (A stream that joined at the live edge may have joined after the last event: it is
        # then owed nothing.)
        assert wait_for(lambda: len(first.ids) == total
                     and all(len(s.ids) >= total - after for s, after in rest))
        assert first.ids == list(range(1, total + 1))
        for stream, after in rest:
            assert stream.ids == list(range(after + 1, total + 1)), after
    finally:
        for s in [first, *(s for s, _ in rest)]:
            s.close()


def test_a_stream_takes_the_frames_of_one_batch_as_one_chunk_none_twice(db):
    with transaction.atomic():
        events = [realtime.emit(5, "runsheet", {"n": n}, audience_bodies=[3] if n == 1 else None)
                  for n in range(4)]
    frames = [realtime.Frame(e) for e in events]
    assert all(f.data == realtime.sse_frame(e).encode() for f, e in zip(frames, events,
                                                                          strict=True))
    subscription = realtime.Subscription(feed=None, after=1)
    # Body 9 does not get the event addressed to body 3; the one before Last-Event-ID is dropped.
    assert subscription.take(frames, 9) == frames[2].data + frames[3].data
    assert subscription.take(frames, 9) == b""  # nothing twice
    assert realtime.Subscription(feed=None, after=0).take(frames[1:2], 3) == frames[1].data
