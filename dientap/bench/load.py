"""The load process of the benchmark: plain HTTP over loopback, standard library only (plus
uvloop's event loop for the thousand consoles when it is installed, as it is with the server).

Run as ``python -m dientap.bench.load`` with a JSON job on stdin; prints a JSON result on
stdout. It never imports Django: it is a separate client, like a browser.

Jobs:

- ``{"job": "login", "base": url, "username": u, "password": p}`` → ``{"cookies": {...}}``
- ``{"job": "pages", "base": url, "cookies": {...}, "urls": {key: path}, "warmup": n,
  "repeat": n}`` → ``{key: {"status": code, "ms": [..]}}`` (sequential, keep-alive)
- ``{"job": "fanout", "bases": [url, ...], "issue_base": url, "cookies": {...},
  "events_path": p, "last": seq, "consoles": n, "action_path": p, "situations": [id, ...],
  "interval": s}`` → per-console delivery latencies, lost and duplicated counts
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import sys
import time
import urllib.parse


def _conn(base: str) -> http.client.HTTPConnection:
    u = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def _cookie_header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _take_cookies(response, cookies: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]


def login(base: str, username: str, password: str) -> dict:
    conn, cookies = _conn(base), {}
    conn.request("GET", "/accounts/login/")
    r = conn.getresponse()
    html = r.read().decode()
    _take_cookies(r, cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                   "password": password})
    conn.request("POST", "/accounts/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(cookies),
        "Referer": base + "/accounts/login/"})
    r = conn.getresponse()
    r.read()
    _take_cookies(r, cookies)
    if r.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"log-in as {username} failed: {r.status}")
    conn.close()
    return {"cookies": cookies}


def pages(base: str, cookies: dict, urls: dict, warmup: int, repeat: int,
          headers: dict | None = None) -> dict:
    conn = _conn(base)
    headers = {**(headers or {}), "Cookie": _cookie_header(cookies)}
    out = {}
    for key, path in urls.items():
        times, status = [], None
        for i in range(warmup + repeat):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            r.read()
            elapsed = (time.perf_counter() - started) * 1000
            status = r.status
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = _conn(base)
            if i >= warmup:
                times.append(elapsed)
        out[key] = {"status": status, "ms": times}
    conn.close()
    return out


# --- live fan-out ------------------------------------------------------------------------------

class Console:
    """One SSE connection; records when each issued situation arrived."""

    def __init__(self, index: int):
        self.index = index
        self.ready = asyncio.Event()
        self.received: list[tuple[int, float]] = []  # (situation id, monotonic time)
        self.error = ""

    async def run(self, base: str, path: str, cookies: dict, last: int) -> None:
        u = urllib.parse.urlsplit(base)
        try:
            reader, writer = await asyncio.open_connection(u.hostname, u.port)
            writer.write((f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
                          f"Cookie: {_cookie_header(cookies)}\r\nAccept: text/event-stream\r\n"
                          f"Last-Event-ID: {last}\r\n\r\n").encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                self.error = f"status {status}"
                self.ready.set()
                return
            chunked = b"transfer-encoding: chunked" in head.lower()
            buffer = ""
            while True:
                if chunked:
                    size_line = await reader.readuntil(b"\r\n")
                    size = int(size_line.strip().split(b";")[0], 16)
                    if size == 0:
                        return
                    data = await reader.readexactly(size + 2)
                    text = data[:-2].decode()
                else:
                    data = await reader.read(65536)
                    if not data:
                        return
                    text = data.decode()
                now = time.monotonic()
                buffer += text
                while "\n\n" in buffer:
                    frame, buffer = buffer.split("\n\n", 1)
                    self._frame(frame, now)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            self.ready.set()

    def _frame(self, frame: str, now: float) -> None:
        if frame.startswith("retry:"):
            self.ready.set()
            return
        kind, data = "", ""
        for line in frame.split("\n"):
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
        if kind == "situation" and data:
            payload = json.loads(data).get("payload", {})
            if payload.get("action") == "issued":
                self.received.append((int(payload["situation"]), now))


def _post_json(base: str, path: str, cookies: dict, body: dict) -> int:
    conn = _conn(base)
    conn.request("POST", path, json.dumps(body), {
        "Content-Type": "application/json", "Cookie": _cookie_header(cookies),
        "X-CSRFToken": cookies.get("csrftoken", ""), "Referer": base + "/"})
    r = conn.getresponse()
    r.read()
    conn.close()
    return r.status


async def fanout(job: dict) -> dict:
    bases, n = job["bases"], job["consoles"]
    consoles = [Console(i) for i in range(n)]
    tasks = [asyncio.create_task(c.run(bases[i % len(bases)], job["events_path"],
                                       job["cookies"], job["last"]))
             for i, c in enumerate(consoles)]
    connect_started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in consoles)),
                           timeout=job.get("connect_timeout", 300))
    connect_seconds = time.monotonic() - connect_started
    errors = [c.error for c in consoles if c.error]
    await asyncio.sleep(1.0)
    sent: dict[int, float] = {}
    statuses = []
    loop = asyncio.get_running_loop()
    for sid in job["situations"]:
        sent[sid] = time.monotonic()
        status = await loop.run_in_executor(None, _post_json, job["issue_base"],
                                            job["action_path"], job["cookies"],
                                            {"action": "issue", "situation": sid})
        statuses.append(status)
        await asyncio.sleep(job.get("interval", 0.2))
    # Wait until every console has everything (or the grace period is over).
    deadline = time.monotonic() + job.get("grace", 30)
    wanted = set(job["situations"])
    while time.monotonic() < deadline:
        if all(wanted <= {s for s, _t in c.received} for c in consoles if not c.error):
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # late duplicates would arrive now
    for t in tasks:
        t.cancel()
    latencies, lost, duplicated = [], 0, 0
    per_console_max = []
    for c in consoles:
        seen: dict[int, int] = {}
        worst = 0.0
        for sid, at in c.received:
            if sid not in wanted:
                continue
            seen[sid] = seen.get(sid, 0) + 1
            if seen[sid] == 1:
                ms = (at - sent[sid]) * 1000
                latencies.append(ms)
                worst = max(worst, ms)
        lost += len(wanted - set(seen))
        duplicated += sum(v - 1 for v in seen.values())
        per_console_max.append(worst)
    return {"consoles": n, "situations": len(wanted), "issue_statuses": statuses,
            "connect_seconds": connect_seconds, "errors": errors[:5],
            "error_count": len(errors), "latencies_ms": latencies, "lost": lost,
            "duplicated": duplicated, "per_console_max_ms": per_console_max}


def main() -> None:
    job = json.loads(sys.stdin.read())
    kind = job["job"]
    if kind == "login":
        result = login(job["base"], job["username"], job["password"])
    elif kind == "pages":
        result = pages(job["base"], job["cookies"], job["urls"], job["warmup"], job["repeat"],
                       job.get("headers"))
    elif kind == "fanout":
        try:
            import uvloop
        except ImportError:
            result = asyncio.run(fanout(job))
        else:
            result = uvloop.run(fanout(job))
    else:
        raise SystemExit(f"unknown job {kind}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
