"""No situation is lost when a server process is killed: a body's console streams from process
B; B is killed (SIGKILL) mid-round; the director goes on issuing through process A; the console
reconnects to A with Last-Event-ID and receives exactly what it missed, in order, and nothing
addressed to another body. PostgreSQL + Redis pass only (two real `dientap serve`)."""

import contextlib
import json
import os
import threading
import time
import urllib.request

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from .conftest import situation

CSRF = "a" * 32


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


class Stream:
    """Reads an SSE stream in a thread; keeps the frames (id, kind, data)."""

    def __init__(self, url, cookie, last_id=0):
        headers = {"Cookie": f"sessionid={cookie}", "Accept": "text/event-stream"}
        if last_id:
            headers["Last-Event-ID"] = str(last_id)
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - local server
        self.response = urllib.request.urlopen(request, timeout=60)  # noqa: S310
        self.frames = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        frame = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if not line:
                    if "event" in frame:
                        self.frames.append((int(frame["id"]), frame["event"],
                                            json.loads(frame["data"])["payload"]))
                    frame = {}
                elif not line.startswith(":") and ":" in line:
                    key, value = line.split(":", 1)
                    frame[key] = value.strip()
        except Exception:  # noqa: BLE001, S110 - the server went away: the test checks frames
            pass

    def close(self):
        with contextlib.suppress(Exception):  # already closed by the server
            self.response.close()

    def issued(self):
        return [p["situation"] for _i, kind, p in self.frames
                if kind == "situation" and p.get("action") == "issued"]

    def wait_for(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        while len(self.issued()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.issued()


def post_action(server, exercise_pk, cookie, body):
    req = urllib.request.Request(  # noqa: S310 - the local test server
        server.url + reverse("scenarios:director_action", args=[exercise_pk]),
        data=json.dumps(body).encode(), method="POST",
        headers={"Cookie": f"sessionid={cookie}; csrftoken={CSRF}", "X-CSRFToken": CSRF,
                 "Content-Type": "application/json", "Referer": server.url + "/"})
    with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310
        assert r.status == 200


@pytest.mark.django_db(transaction=True)
def test_console_gets_exactly_what_it_missed_after_its_process_was_killed(
        world, scen, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server shared by two processes: runs in the "
                    "PostgreSQL pass")
    from tests.browser.test_fanout import Process

    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL must point to the Redis server"
    db = connection.settings_dict
    env = {**os.environ, "REDIS_URL": redis_url, "DIENTAP_SECRET_KEY": settings.SECRET_KEY,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}",
           "DIENTAP_DATA_DIR": str(tmp_path), "DIENTAP_LOG_LEVEL": "warning",
           "DIENTAP_CLOCK_TICKER": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    ex = world.tq23
    mine = [situation(world, scen.director, f"S-{i}", f"N-1 0{i}:00", [world.ubnd_tq])
            for i in range(1, 6)]
    other = situation(world, scen.director, "O-1", "N-1 09:00", [world.tinh_uy])
    director, console = session_cookie(scen.director), session_cookie(scen.ubnd)
    a, b = Process(env, tmp_path, "a"), Process(env, tmp_path, "b")
    streams = []
    try:
        a.wait_healthy()
        b.wait_healthy()
        events_path = reverse("exercises:events", args=[ex.pk])
        on_b = Stream(b.url + events_path, console)
        streams.append(on_b)
        time.sleep(0.5)
        for s in mine[:2]:
            post_action(a, ex.pk, director, {"action": "issue", "situation": s.pk})
        assert on_b.wait_for(2) == [mine[0].pk, mine[1].pk]
        last = max(i for i, _k, _p in on_b.frames)

        b.proc.kill()  # SIGKILL, mid-round
        b.proc.wait(10)
        for s in [mine[2], other, mine[3], mine[4]]:
            post_action(a, ex.pk, director, {"action": "issue", "situation": s.pk})

        on_a = Stream(a.url + events_path, console, last_id=last)
        streams.append(on_a)
        assert on_a.wait_for(3) == [mine[2].pk, mine[3].pk, mine[4].pk]
        time.sleep(1)
        assert on_a.issued() == [mine[2].pk, mine[3].pk, mine[4].pk]  # none twice
        ids = [i for i, _k, _p in on_a.frames]
        assert ids == sorted(ids) and min(ids) > last  # in order, nothing already seen
        # nothing addressed to another body reached this console
        assert all(p.get("situation") != other.pk for _i, _k, p in on_a.frames + on_b.frames)
    finally:
        for stream in streams:
            stream.close()
        for process in (a, b):
            if process.proc.poll() is None:
                process.proc.kill()  # an open event stream would hold a graceful stop
            process.proc.wait(10)
            process.log.close()
