"""`dientap manage bench`: the real server stack, a separate load process, one table.

The harness (this process, with Django set up on the benchmark database) prepares the users
and the situations to issue, starts ``dientap serve`` as one or two subprocesses on free
loopback ports (same DATABASE_URL, REDIS_URL, data dir and secret key), and drives
``python -m dientap.bench.load`` (standard library only, no Django) against them. SQL query
counts are taken in-process with Django's test client; the spreadsheet import runs in its own
subprocess so that its peak memory is its own.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import math
import os
import platform
import pstats
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.urls import reverse

from . import pages as P

TARGETS = {
    "a_ratio_p95": 3.0, "c_p99_ms": 250.0, "d_seconds": 5.0, "e_seconds": 10.0,
    "e_peak_mb": 300.0, "f_p95_ms": 50.0,
}


def pct(values, q):
    """The q-th percentile (nearest rank) of values; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return (f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")


class Server:
    """`dientap serve` in a subprocess (the production entry point: uvicorn + Django ASGI)."""

    def __init__(self, env: dict, log_dir: Path, name: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_dir / f"server-{name}.log", "wb")  # noqa: SIM115 - closed in stop
        code = "import sys; from dientap.cli import main; sys.exit(main())"
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port",
             str(self.port), "--no-migrate"], env=env, stdout=self.log, stderr=self.log)

    def wait_healthy(self, timeout=180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.proc.returncode}); "
                                   f"see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not become healthy")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()


def load(job: dict, timeout=1800) -> dict:
    """Run one job in the load process (a separate Python, standard library only)."""
    out = subprocess.run([sys.executable, "-m", "dientap.bench.load"], input=json.dumps(job),
                         capture_output=True, text=True, timeout=timeout,
                         cwd=str(settings.BASE_DIR), check=False)
    if out.returncode:
        raise RuntimeError(f"load process failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def _summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99),
            "max_ms": max(ms) if ms else None,
            "mean_ms": statistics.fmean(ms) if ms else None}


class Bench:
    def __init__(self, *, size: str, quick: bool, out: str, compare: str = "",
                 consoles: int | None = None, log=print, profile: bool = True,
                 repeat: int | None = None, situations: int | None = None,
                 import_rows: int | None = None, only: str = "",
                 raise_cap: bool = False):
        self.size, self.quick, self.out, self.compare = size, quick, out, compare
        self.consoles = consoles or (50 if quick else 1000)
        self.repeat, self.warmup = (15, 3) if quick else (40, 3)
        if repeat:
            self.repeat, self.warmup = repeat, 1
        self.n_situations = situations or (10 if quick else 50)
        self.import_rows = import_rows or (100 if quick else 5000)
        self.log = log
        self.profile = profile and not quick
        self.result: dict = {}
        self.raise_cap = raise_cap
        self.only = set(only.replace(",", "")) if only else set("abcdef")
        self.tmp = Path(tempfile.mkdtemp(prefix="dientap-bench-"))

    # -- set-up ----------------------------------------------------------------------------

    def env(self) -> dict:
        env = {**os.environ, "DATABASE_URL": _database_url(),
               "DIENTAP_DATA_DIR": str(settings.DATA_DIR),
               "DIENTAP_SECRET_KEY": settings.SECRET_KEY, "DIENTAP_LOG_LEVEL": "warning",
               "REDIS_URL": settings.REDIS_URL}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def run(self) -> dict:
        from dientap.bench import generator

        if not generator.bench_exercises().exists():
            raise RuntimeError("no benchmark dataset in this database: run "
                               "`dientap manage bench_data --size …` first")
        self.user, self.admin = P.ensure_users()
        self.exercise = P.largest_exercise()
        self.result = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "size": self.size, "quick": self.quick,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                        "python": platform.python_version(), "database": connection.vendor,
                        "redis": bool(settings.REDIS_URL), "nice": os.nice(0)},
            "dataset": generator.row_counts(),
            "exercise": self.exercise.code_name, "targets": TARGETS,
        }
        self.step("b", self.measure_queries)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW max_connections")
                self.result["machine"]["pg_max_connections"] = int(cursor.fetchone()[0])
            self.step("analyze", generator.analyze)
        servers = []

        def start(name):
            server = Server(self.env(), self.tmp, name)
            servers.append(server)
            server.wait_healthy()
            return server

        try:
            if self.only & set("acf"):
                self.step("server", lambda: start("a"))
            if servers:
                server = servers[0]
                self.step("a", lambda: self.measure_pages(server))
                self.step("f", lambda: self.measure_search(server))
                self.step("c1", lambda: self.measure_fanout([server], "c_one_process"))
                if settings.REDIS_URL and "c" in self.only:
                    self.step("c2", lambda: self.measure_fanout([server, start("b")],
                                                                "c_two_processes"))
                elif "c" in self.only:
                    self.result["c_two_processes"] = {"skipped": "REDIS_URL is not set"}
        finally:
            for s in servers:
                s.stop()
        self.step("d", self.measure_report)
        self.step("e", self.measure_import)
        if self.profile:
            self.step("profile", self.profile_worst_page)
        self.evaluate()
        if self.result.get("errors"):
            self.result["logs"] = str(self.tmp)  # the servers' logs, for the errors
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        Path(self.out).write_text(json.dumps(self.result, indent=2, ensure_ascii=False))
        return self.result

    def step(self, name: str, fn) -> None:
        if name[0] not in self.only and name not in ("profile", "server", "analyze"):
            return
        started = time.monotonic()
        self.log(f"[{name}] …")
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - one failed figure must not lose the others
            self.result.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"
            self.log(f"[{name}] failed: {exc}")
        self.log(f"[{name}] {time.monotonic() - started:.1f} s")
        Path(self.out).write_text(json.dumps(self.result, indent=2, ensure_ascii=False))

    # -- (b) SQL queries per page ------------------------------------------------------------

    def measure_queries(self) -> None:
        counts = P.count_queries(self.user, self.exercise.pk, [*P.PAGES, P.FLOOR])
        other = {}
        if self.compare and Path(self.compare).exists():
            other = json.loads(Path(self.compare).read_text()).get("b_queries", {}).get(
                "counts", {})
        self.result["b_queries"] = {"counts": counts, "compare_size": other and json.loads(
            Path(self.compare).read_text()).get("size"), "compare_counts": other}

    # -- (a) page latency ------------------------------------------------------------------

    def login(self, server, username) -> dict:
        return load({"job": "login", "base": server.url, "username": username,
                     "password": P.BENCH_PASSWORD})["cookies"]

    def measure_pages(self, server) -> None:
        cookies = self.login(server, P.BENCH_USER)
        urls = {"floor": P.FLOOR.url(0)}
        urls.update({p.key: p.url(self.exercise.pk) for p in P.PAGES})
        job = {"job": "pages", "base": server.url, "cookies": cookies, "urls": urls,
               "warmup": self.warmup, "repeat": self.repeat}
        raw = load(job)
        # The same requests with "Cache-Control: no-cache": every page built afresh, as on a
        # first view or after a change (the page cache is bypassed; core/pagecache.py).
        fresh = load({**job, "headers": {"Cache-Control": "no-cache"}})
        floor = _summary(raw["floor"]["ms"])
        rows = {}
        for key, data in raw.items():
            s = _summary(data["ms"])
            s["status"] = data["status"]
            s["ratio_p95"] = s["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else None
            built = _summary(fresh[key]["ms"])
            s["fresh"] = {**built, "status": fresh[key]["status"],
                          "ratio_p95": built["p95_ms"] / floor["p95_ms"]
                          if floor["p95_ms"] else None}
            rows[key] = s
        self.result["a_pages"] = {"floor": floor, "pages": rows,
                                  "labels": {p.key: p.label for p in [P.FLOOR, *P.PAGES]},
                                  "urls": urls}

    # -- (f) accent-insensitive search among all people --------------------------------------

    def measure_search(self, server) -> None:
        from dientap.bench.generator import FAMILY, GIVEN, MIDDLE
        from dientap.core.text import fold

        cookies = self.login(server, P.BENCH_ADMIN)
        queries = [fold(f"{FAMILY[i % len(FAMILY)]} {GIVEN[(i * 7) % len(GIVEN)]}")
                   for i in range(10)]
        queries += [fold(f"{MIDDLE[i % len(MIDDLE)]} {GIVEN[(i * 3) % len(GIVEN)]}")
                    for i in range(5)]
        queries += [fold(GIVEN[i]) for i in range(5)]
        base = reverse("organizations:person_list")
        urls = {f"q{i}": f"{base}?q={urllib.parse.quote(q)}" for i, q in enumerate(queries)}
        raw = load({"job": "pages", "base": server.url, "cookies": cookies, "urls": urls,
                    "warmup": 1, "repeat": 3 if self.quick else 5,
                    "headers": {"Cache-Control": "no-cache"}})  # the search itself, each time
        ms = [t for d in raw.values() for t in d["ms"]]
        from dientap.organizations.models import Person

        self.result["f_search"] = {**_summary(ms), "people": Person.objects.count(),
                                   "queries": queries,
                                   "statuses": sorted({d["status"] for d in raw.values()})}

    # -- (c) live fan-out -----------------------------------------------------------------

    def _situations_to_issue(self, n: int) -> list[int]:
        from dientap.scenarios import services

        body = P.console_body(self.exercise)
        tag = secrets.token_hex(3).upper()
        ids = []
        for i in range(n):
            s = services.situation_create(
                self.exercise, acting_user=self.user, receiving_bodies=[body],
                code=f"BF-{tag}-{i + 1:02d}", title=f"Tình huống đo tải {i + 1}",
                content="Tình huống do công cụ đo hiệu năng phát.", scenario_minutes=600 + i)
            ids.append(s.pk)
        return ids

    @staticmethod
    def _forget_situations(ids) -> None:
        """Take the fan-out's situations (and their deliveries) out of the dataset again, so
        that every run measures the same exercise (they were issued through the real server;
        their audit entries and live events stay, as history). Not a service: issued
        situations are never deleted in the product."""
        from dientap.scenarios.models import Situation

        Situation.objects.filter(pk__in=ids).delete()

    def measure_fanout(self, servers, key: str) -> None:
        from dientap.core.models import EventCounter

        consoles = self.consoles  # open streams hold no database connection (realtime.Feed)
        situations = self._situations_to_issue(self.n_situations)
        last = EventCounter.objects.filter(exercise_id=self.exercise.pk).values_list(
            "last_seq", flat=True).first() or 0
        cookies = self.login(servers[0], P.BENCH_USER)
        try:
            raw = load({"job": "fanout", "bases": [s.url for s in servers],
                        "issue_base": servers[0].url, "cookies": cookies,
                        "events_path": reverse("exercises:events", args=[self.exercise.pk]),
                        "last": last, "consoles": consoles,
                        "action_path": reverse("scenarios:director_action",
                                               args=[self.exercise.pk]),
                        "situations": situations, "interval": 0.2, "grace": 60})
        finally:
            self._forget_situations(situations)
        lat = raw.pop("latencies_ms")
        per_console = raw.pop("per_console_max_ms")
        self.result[key] = {**raw, "processes": len(servers), **_summary(lat),
                            "wanted_consoles": self.consoles,
                            "deliveries": len(lat),
                            "worst_console_max_ms": max(per_console) if per_console else None}

    # -- (d) final review report -----------------------------------------------------------

    def measure_report(self) -> None:
        """(d) the final review report of the largest exercise: generated from the data, then
        written as .docx and as PDF (rolled back afterwards: the dataset stays as it was)."""
        try:
            from dientap.reports import services as reports
        except ImportError:
            self.result["d_report"] = {"status": "not measured yet",
                                       "why": "dientap.reports has no services module"}
            return
        if not all(hasattr(reports, n) for n in ("report_create", "export_docx", "export_pdf")):
            self.result["d_report"] = {"status": "not measured yet",
                                       "why": "dientap.reports offers no final-report generator"}
            return
        from django.db import DatabaseError

        out = {"status": "measured"}
        try:
            self._final_report(reports, out)
        except DatabaseError as exc:  # the reports app and its migrations out of step
            out = {"status": "not measured yet",
                   "why": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
        self.result["d_report"] = out

    def _final_report(self, reports, out: dict) -> None:
        from django.db import transaction

        with transaction.atomic():
            started = time.perf_counter()
            report = reports.report_create(self.exercise, "final", acting_user=self.user)
            out["generate_s"] = time.perf_counter() - started
            t = time.perf_counter()
            docx, _name = reports.export_docx(report, acting_user=self.user)
            out["docx_s"], out["docx_bytes"] = time.perf_counter() - t, len(docx)
            t = time.perf_counter()
            try:
                pdf, _name = reports.export_pdf(report, acting_user=self.user)
                out["pdf_s"], out["pdf_bytes"] = time.perf_counter() - t, len(pdf)
            except Exception as exc:  # noqa: BLE001 - e.g. no LibreOffice on this machine
                out["pdf_error"] = f"{type(exc).__name__}: {exc}"
            out["seconds"] = time.perf_counter() - started
            transaction.set_rollback(True)

    # -- (e) spreadsheet import ------------------------------------------------------------

    def measure_import(self) -> None:
        from dientap.scenarios import spreadsheet

        wanted = self.import_rows
        results = {"wanted_rows": wanted, "cap": spreadsheet.MAX_ROWS, "runs": []}
        cap = spreadsheet.MAX_ROWS
        # The wanted size first, as a user would upload it (refused above the cap), then at
        # the cap; --import-raise-cap measures the wanted size with the cap raised.
        runs = [(wanted, cap)]
        if wanted > cap:
            runs.append((wanted, wanted) if self.raise_cap else (cap, cap))
        for rows, limit in runs:
            path = self.tmp / f"situations-{rows}.xlsx"
            path.write_bytes(situations_workbook(self.exercise, rows))
            out = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "dientap.bench.importjob", str(self.exercise.pk),
                 str(path), str(limit), P.BENCH_USER],
                capture_output=True, text=True, env=self.env(), cwd=str(settings.BASE_DIR),
                timeout=1800, check=False)
            if out.returncode:
                raise RuntimeError(f"import job failed: {out.stderr[-2000:]}")
            run = json.loads(out.stdout)
            run["file_rows"] = rows
            run["cap_raised"] = limit > cap
            results["runs"].append(run)
        self.result["e_import"] = results

    # -- profile ---------------------------------------------------------------------------

    def profile_worst_page(self) -> None:
        from django.test import Client

        pages = self.result.get("a_pages", {}).get("pages", {})
        candidates = [(v.get("p95_ms") or 0, k) for k, v in pages.items() if k != "floor"]
        if not candidates:
            return
        _p95, key = max(candidates)
        page = next(p for p in P.PAGES if p.key == key)
        client = Client(SERVER_NAME="localhost")
        client.force_login(self.user)
        url = page.url(self.exercise.pk)
        client.get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(3):
            client.get(url)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        path = Path(self.out).with_suffix(f".{key}.profile.txt")
        path.write_text(text.getvalue())
        self.result["profile"] = {"page": key, "url": url, "file": str(path)}

    # -- verdict ---------------------------------------------------------------------------

    def evaluate(self) -> None:
        r, verdict = self.result, {}
        pages = r.get("a_pages", {}).get("pages", {})
        worst = max((v["ratio_p95"] or 0 for k, v in pages.items() if k != "floor"), default=None)
        verdict["a"] = None if worst is None else worst <= TARGETS["a_ratio_p95"]
        b = r.get("b_queries", {})
        verdict["b"] = (b.get("counts") == b.get("compare_counts")) if b.get("compare_counts") \
            else None
        for key, name in (("c_one_process", "c1"), ("c_two_processes", "c2")):
            c = r.get(key, {})
            verdict[name] = None if "p99_ms" not in c else (
                c["p99_ms"] is not None and c["p99_ms"] <= TARGETS["c_p99_ms"]
                and c["lost"] == 0 and c["duplicated"] == 0)
        d = r.get("d_report", {})
        verdict["d"] = (d["seconds"] <= TARGETS["d_seconds"] and "pdf_s" in d) \
            if "seconds" in d else None
        e = [run for run in r.get("e_import", {}).get("runs", []) if "seconds" in run]
        if e:
            run = e[-1]
            verdict["e"] = run["seconds"] <= TARGETS["e_seconds"] and \
                run["peak_rss_mb"] <= TARGETS["e_peak_mb"]
        f = r.get("f_search", {})
        verdict["f"] = f["p95_ms"] <= TARGETS["f_p95_ms"] if f.get("p95_ms") else None
        r["met"] = verdict


def situations_workbook(exercise, rows: int) -> bytes:
    """An .xlsx in the scenario import format (the export's Vietnamese headers)."""
    from openpyxl import Workbook

    from dientap.exercises.models import FrameParticipant
    from dientap.scenarios import spreadsheet

    # Bodies named without the list separators of the column (",", ";", "+"): a name such as
    # "Sở Văn hóa, Thể thao và Du lịch" would be read as two bodies.
    bodies = [f.body for f in FrameParticipant.objects.filter(exercise=exercise)
              .select_related("body") if not set(f.body.name) & set(",;+\n")]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([f[2] for f in spreadsheet.FIELDS])
    handlings = list(spreadsheet.HANDLING_VI.values())
    for i in range(rows):
        day, minute = divmod(i * 7, 24 * 60)
        to = "; ".join(b.name for b in (bodies[i % len(bodies)], bodies[(i + 5) % len(bodies)]))
        ws.append([f"NK-{i + 1:04d}", f"N+{day} {minute // 60:02d}:{minute % 60:02d}",
                   f"Tình huống nhập {i + 1}", f"Nội dung tình huống nhập từ bảng tính {i + 1}.",
                   "Cấp trên", "Bộ Tư lệnh Quân khu", to, "Văn bản",
                   handlings[i % len(handlings)], "Tham mưu xử trí kịp thời", "30",
                   "", f"NK-{i:04d}" if i % 50 == 1 else ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- the table ---------------------------------------------------------------------------------

def _f(v, unit="", digits=0):
    if v is None:
        return "-"
    return f"{v:.{digits}f}{unit}"


def _ok(v):
    return {True: "met", False: "MISSED", None: "n/a"}[v]


def table(r: dict) -> str:
    lines = []
    m = r.get("met", {})
    lines.append(f"dientap bench: {r['size']} dataset, exercise {r['exercise']}, "
                 f"{r['machine']['cpus']} CPUs, {r['machine']['database']}, {r['date']}")
    a = r.get("a_pages")
    if a:
        lines.append("")
        lines.append(f"(a) pages [{_ok(m.get('a'))}: p95 <= 3x floor]      "
                     f"    p50 ms   p95 ms   p99 ms  p95/floor  built: p95 ms  /floor"
                     f"  queries(b)")
        counts = r.get("b_queries", {}).get("counts", {})
        other = r.get("b_queries", {}).get("compare_counts", {})
        for key, s in a["pages"].items():
            q = counts.get(key)
            qs = f"{q}" + (f" vs {other[key]}" if key in other else "")
            lines.append(f"  {a['labels'].get(key, key):<36} {_f(s['p50_ms'], digits=1):>8} "
                         f"{_f(s['p95_ms'], digits=1):>8} {_f(s['p99_ms'], digits=1):>8} "
                         f"{_f(s['ratio_p95'], 'x', 1):>9}  "
                         f"{_f(s.get('fresh', {}).get('p95_ms'), digits=1):>13} "
                         f"{_f(s.get('fresh', {}).get('ratio_p95'), 'x', 1):>7}  {qs}"
                         + ("" if s["status"] == 200 else f"  (HTTP {s['status']})"))
    b = r.get("b_queries")
    if b:
        lines.append(f"(b) equal query counts vs {b.get('compare_size') or '(no comparison)'}: "
                     f"{_ok(m.get('b'))}")
    for key, name in (("c_one_process", "c1"), ("c_two_processes", "c2")):
        c = r.get(key)
        if not c:
            continue
        if "skipped" in c:
            lines.append(f"(c) fan-out, two processes: skipped ({c['skipped']})")
            continue
        lines.append(f"(c) fan-out, {c['processes']} process(es), {c['consoles']} consoles x "
                     f"{c['situations']} situations [{_ok(m.get(name))}]: p50 "
                     f"{_f(c['p50_ms'], ' ms')}, p99 {_f(c['p99_ms'], ' ms')}, max "
                     f"{_f(c['max_ms'], ' ms')}; lost {c['lost']}, duplicated "
                     f"{c['duplicated']}; connect {c['connect_seconds']:.1f} s"
                     + (f"; {c['error_count']} console errors" if c["error_count"] else ""))
    d = r.get("d_report")
    if d:
        lines.append("(d) final review report: " + (
            f"{d['seconds']:.2f} s [{_ok(m.get('d'))}: <= 5 s] (generate {d['generate_s']:.2f} s, "
            f".docx {d['docx_s']:.2f} s, PDF "
            + (f"{d['pdf_s']:.2f} s)" if "pdf_s" in d else f"failed: {d.get('pdf_error')})")
            if "seconds" in d else f"{d['status']} ({d.get('why', '')})"))
    e = r.get("e_import")
    if e:
        for run in e["runs"]:
            if "refused" in run:
                lines.append(f"(e) import {run['file_rows']} rows: refused by the import "
                             f"({run['refused']})")
                continue
            lines.append(f"(e) import {run['file_rows']} rows"
                         + (" (cap raised for the measurement)" if run["cap_raised"] else
                            f" (cap {e['cap']})")
                         + f": {run['seconds']:.2f} s, peak {run['peak_rss_mb']:.0f} MB RSS "
                           f"(read {run['read_s']:.2f} s, check {run['check_s']:.2f} s, "
                           f"import {run['import_s']:.2f} s; {run['rows']} created, "
                           f"{run['problems']} problems)")
        lines.append(f"    [{_ok(m.get('e'))}: <= 10 s and <= 300 MB]")
    f = r.get("f_search")
    if f:
        lines.append(f"(f) people search among {f['people']} people: p50 "
                     f"{_f(f['p50_ms'], ' ms', 1)}, p95 {_f(f['p95_ms'], ' ms', 1)} "
                     f"[{_ok(m.get('f'))}: <= 50 ms]")
    for name, err in r.get("errors", {}).items():
        lines.append(f"error in ({name}): {err}")
    return "\n".join(lines)
