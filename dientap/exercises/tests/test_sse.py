"""The live stream over a real server, through both ways of sending it: Django's own ASGI handler
(what ``get_asgi_application()`` gives, and the test client's path) and the production
application (``config.asgi``: ``sse.StreamingASGIHandler``, which writes the stream's chunks
directly). Both send the chunks of the one loop ``live.stream_frames``; every behaviour of the
stream is checked through each."""

import asyncio
import contextlib
import json
import socket
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from dientap.core import realtime
from dientap.core.testing import wait_for
from dientap.exercises import live, sse
from dientap.exercises.models import Membership


@pytest.fixture(params=["django", "production"])
def server(request, asgi_server, monkeypatch):
    if request.param == "production":
        # conftest's server runs django.core.asgi.get_asgi_application(): run ours instead.
        monkeypatch.setattr("django.core.asgi.get_asgi_application", sse.get_asgi_application)
    return asgi_server()


class RawStream:
    """An HTTP/1.1 request read chunk by chunk, as the browser's EventSource reads it."""

    def __init__(self, server, path, cookie="", last_event_id=None, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
        head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        if last_event_id is not None:
            head += f"Last-Event-ID: {last_event_id}\r\n"
        self.sock.sendall((head + "\r\n").encode())
        self.buffer = b""
        status_line, *lines = self._until(b"\r\n\r\n").decode("latin1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            self.headers.setdefault(name.strip().lower(), []).append(value.strip())
        self.chunked = self.header("transfer-encoding") == "chunked"

    def header(self, name):
        return (self.headers.get(name) or [None])[0]

    def _until(self, marker):
        while marker not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buffer += data
        out, _, self.buffer = self.buffer.partition(marker)
        return out

    def _exactly(self, n):
        while len(self.buffer) < n:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buffer += data
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def chunk(self) -> bytes:
        """The next chunk of the body; b"" when the stream ended."""
        assert self.chunked
        try:
            size = int(self._until(b"\r\n").split(b";")[0], 16)
        except EOFError:
            return b""
        data = self._exactly(size + 2)[:-2]
        return data

    def events(self, count):
        """The next `count` events (id, kind, data), skipping comments and the retry line."""
        out, text = [], ""
        while len(out) < count:
            data = self.chunk()
            assert data, f"the stream ended after {out}"
            text += data.decode()
            while "\n\n" in text:
                frame, text = text.split("\n\n", 1)
                event = {}
                for line in frame.split("\n"):
                    if line.startswith("id: "):
                        event["id"] = int(line[4:])
                    elif line.startswith("event: "):
                        event["kind"] = line[7:]
                    elif line.startswith("data: "):
                        event["data"] = json.loads(line[6:])
                if "id" in event:
                    out.append(event)
        return out

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def cookie_of(client, user):
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def emit(exercise, n, **kw):
    with transaction.atomic():
        return realtime.emit(exercise, "runsheet", {"n": n}, **kw).seq


def test_headers_retry_line_and_catch_up_in_one_chunk(server, client, world):
    exercise = world.tq23.pk
    with transaction.atomic():
        for n in range(4):
            realtime.emit(exercise, "runsheet", {"n": n})
    stream = RawStream(server, f"/exercises/{exercise}/events/", cookie_of(client, world.observer),
                       last_event_id=1)
    try:
        assert stream.status == 200
        assert stream.header("content-type").startswith("text/event-stream")
        assert stream.header("cache-control") == "no-cache"
        assert stream.header("x-accel-buffering") == "no"
        assert stream.chunk() == b"retry: 1000\n\n"
        # What was missed comes as one chunk (one database read), in order.
        missed = stream.chunk().decode()
        assert missed.count("\n\n") == 3
        assert [line for line in missed.split("\n") if line.startswith("id: ")] == [
            "id: 2", "id: 3", "id: 4"]
    finally:
        stream.close()


def test_no_session_or_another_exercise_is_404(server, client, world):
    path = f"/exercises/{world.tq23.pk}/events/"
    for cookie in ("", "sessionid=not-a-session", cookie_of(client, world.stranger)):
        stream = RawStream(server, path, cookie)
        assert stream.status == 404, cookie
        assert not stream.header("content-type").startswith("text/event-stream")
        stream.close()
    # A user who sees one exercise gets 404 for another one.
    observer = cookie_of(client, world.observer)
    for other in (world.pt23.pk, 999999):
        stream = RawStream(server, f"/exercises/{other}/events/", observer)
        assert stream.status == 404
        stream.close()
    assert realtime.subscriber_count(world.pt23.pk) == 0


def test_last_event_id_catch_up_then_live_none_twice(server, client, world):
    exercise = world.tq23.pk
    for n in range(3):
        emit(exercise, n)
    cookie = cookie_of(client, world.observer)
    path = f"/exercises/{exercise}/events/"
    stream = RawStream(server, path, cookie, last_event_id=1)
    try:
        assert [e["id"] for e in stream.events(2)] == [2, 3]
        assert wait_for(lambda: realtime.subscriber_count(exercise) == 1)
        live_seqs = [emit(exercise, n) for n in range(3, 6)]
        assert [e["id"] for e in stream.events(3)] == live_seqs == [4, 5, 6]
    finally:
        stream.close()
    # ?last= (the page's own reconnect) works as Last-Event-ID does.
    stream = RawStream(server, path + "?last=5", cookie)
    try:
        assert [e["id"] for e in stream.events(1)] == [6]
    finally:
        stream.close()


def test_audience_filtering_per_body(server, client, world):
    exercise = world.tq23.pk
    observer_body = world.observer.body_id
    stream = RawStream(server, f"/exercises/{exercise}/events/",
                       cookie_of(client, world.observer), last_event_id=0)
    try:
        assert wait_for(lambda: realtime.subscriber_count(exercise) == 1)
        emit(exercise, 0, audience_bodies=[observer_body + 999])  # another body's
        emit(exercise, 1, audience_bodies=[observer_body])
        emit(exercise, 2)  # everyone's
        emit(exercise, 3, audience_bodies=[observer_body + 999])
        emit(exercise, 4, audience_bodies=[observer_body + 999, observer_body])
        got = stream.events(3)
        assert [e["data"]["payload"]["n"] for e in got] == [1, 2, 4]
        assert [e["id"] for e in got] == [2, 3, 5]
    finally:
        stream.close()


def test_disconnect_ends_the_stream_and_releases_the_subscription(server, client, world):
    exercise = world.tq23.pk
    cookie = cookie_of(client, world.observer)
    streams = [RawStream(server, f"/exercises/{exercise}/events/", cookie) for _ in range(3)]
    try:
        assert wait_for(lambda: realtime.subscriber_count(exercise) == 3)
        streams[0].close()
        assert wait_for(lambda: realtime.subscriber_count(exercise) == 2)
        emit(exercise, 0)  # the others still get events
        for s in streams[1:]:
            assert [e["id"] for e in s.events(1)] == [1]
    finally:
        for s in streams[1:]:
            s.close()
    assert wait_for(lambda: realtime.subscriber_count(exercise) == 0)


def test_heartbeat(server, client, world, monkeypatch):
    monkeypatch.setattr(realtime, "HEARTBEAT_SECONDS", 0.2)
    stream = RawStream(server, f"/exercises/{world.tq23.pk}/events/",
                       cookie_of(client, world.observer))
    try:
        assert stream.chunk() == b"retry: 1000\n\n"
        assert stream.chunk() == b": keep-alive\n\n"
    finally:
        stream.close()


def test_withdrawn_access_ends_the_stream(server, client, world, monkeypatch):
    monkeypatch.setattr(realtime, "HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setattr(live, "RECHECK_SECONDS", 0)
    exercise = world.tq23.pk
    stream = RawStream(server, f"/exercises/{exercise}/events/",
                       cookie_of(client, world.observer))
    try:
        assert wait_for(lambda: realtime.subscriber_count(exercise) == 1)
        Membership.objects.filter(user=world.observer).delete()
        assert not live._may_see(world.observer, exercise)
        chunks = []
        while (chunk := stream.chunk()) and len(chunks) < 100:
            chunks.append(chunk)
        assert len(chunks) < 100  # the stream ended (the terminating chunk came)
        assert wait_for(lambda: realtime.subscriber_count(exercise) == 0)
    finally:
        stream.close()


def test_a_stream_too_far_behind_is_closed(transactional_db, world, monkeypatch):
    """A reader that stops reading is closed (it reconnects and catches up from the database)
    rather than holding an unbounded backlog."""
    monkeypatch.setattr(realtime, "MAX_BACKLOG", 2)
    exercise = world.tq23.pk
    observer = world.observer

    async def scenario():
        frames = live.stream_frames(observer, exercise, 0)
        assert await anext(frames) == live.RETRY
        subscription = next(iter(next(iter(realtime._feeds._feeds.values())).subscriptions))
        # The stream is not read meanwhile: batches pile up until the backlog overflows.
        for n in range(4):
            await sync_to_async(emit, thread_sensitive=False)(exercise, n)
            deadline = time.monotonic() + 5
            while subscription.after + len(subscription.pending) < n + 1 and not (
                    subscription.overflowed) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        assert subscription.overflowed
        rest = [chunk async for chunk in frames]  # what was queued, then the end
        assert rest and b"id: 1\n" in rest[0]
        assert realtime.subscriber_count(exercise) == 0

    try:
        asyncio.run(scenario())
    finally:
        realtime.close_pool_connections()


def test_the_production_entry_point_writes_streams_directly():
    """`dientap serve` runs config.asgi:application: the handler with the direct stream path
    (checked in a process of its own: config.asgi also tunes that process's garbage collector)."""
    import subprocess
    import sys

    from django.conf import settings

    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import config.asgi as a, gc; "
         "print(type(a.application).__name__, gc.get_threshold()[0], gc.get_freeze_count() > 0)"],
        capture_output=True, text=True, cwd=str(settings.BASE_DIR), timeout=120, check=True)
    assert out.stdout.split() == ["StreamingASGIHandler", "50000", "True"]
