"""Repeat views of the busiest pages, from a cache that is emptied by the writes themselves.

An exercise page costs 10–16 queries and 20–50 ms of work; the same person reloading it, or
coming back to it a few seconds later, mostly gets the same bytes. ``@page_cache(max_age=…)``
keeps a page's response for the session that asked for it and serves it again while nothing
it was built from has changed:

- **What a page read** is recorded while it is built: every SQL statement that runs through
  Django (on every connection, see ``install()``) is classified, and the tables a SELECT reads
  (``FROM``/``JOIN``) are the page's dependencies.
- **Every write bumps a version** of each table it writes (INSERT/UPDATE/DELETE; anything else
  that is not a read, such as TRUNCATE or a schema change, bumps every page at once) once its
  transaction commits, in the store that all processes share; until then it is counted in the
  writing process (which alone can read it). A page is served again only while the versions
  of all its tables are the ones read *before* it was built, so a write that commits while it
  is built makes it stale at once.
- **Time**: overdue marks and clocks are computed from the current time, so a page is kept
  at most ``max_age`` seconds (a few seconds for the live consoles).
- **Kept only what may be repeated**: GET requests of a logged-in session, 200 responses,
  no flash message waiting, nothing written while the page was built (a page that logs an
  access is built every time), no read of the session table. ``Cache-Control: no-cache``
  in the request (a browser's hard reload) builds the page afresh.
- **Per session**: the key holds the session, its CSRF cookie and the language, so a page
  (the user's name in the header, the forms' CSRF tokens) is never served to anyone else.

The versions and pages live in Redis when ``REDIS_URL`` is set (shared by all the server
processes), else in this process's memory (one process: the demo). If Redis fails, pages are
built as if there were no cache.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
import pickle
import re
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse

log = logging.getLogger("dientap.pagecache")

ALL = "*"  # every page depends on it: a write the classifier cannot place bumps it
# ... and on the user's own row (clearance, body, name), read by the middleware before the view
ALWAYS = frozenset({ALL, "accounts_user"})
IGNORED = frozenset({"django_session"})  # written by the session middleware, read by no page
READ, WRITE, NEUTRAL = "read", "write", "neutral"
LIVE = 5  # seconds: the consoles (overdue marks, the exercise clock)
LISTS = 30  # seconds: registers, lists, the dashboard

_NEUTRAL = re.compile(
    r"\s*(?:SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|SET|SHOW|PRAGMA|EXPLAIN|VACUUM|ANALYZE|"
    r"LOCK|DEALLOCATE|RESET)\b", re.I)
_SELECT = re.compile(r"\s*\(?\s*(?:SELECT|WITH|VALUES)\b", re.I)
_CTE_WRITE = re.compile(r"^\s*WITH\b.*\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\b", re.I | re.S)
_READS = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z_]\w*)"?', re.I)
_WRITES = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z_]\w*)"?',
    re.I)


@functools.lru_cache(maxsize=1024)
def classify(sql: str) -> tuple[str, frozenset]:
    """(READ, tables read) / (WRITE, tables written, or {ALL}) / (NEUTRAL, {})."""
    if _SELECT.match(sql):
        if _CTE_WRITE.search(sql):  # WITH x AS (UPDATE …): a write the classifier won't place
            return WRITE, frozenset({ALL})
        return READ, frozenset(_READS.findall(sql))
    if _NEUTRAL.match(sql):
        return NEUTRAL, frozenset()
    written = _WRITES.match(sql)
    return WRITE, frozenset({written.group(1)} if written else {ALL})


# --- where versions and pages are kept --------------------------------------------------------

class _Counts:
    """A count per table, safe across threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def bump(self, tables) -> None:
        with self.lock:
            for table in tables:
                self.counts[table] = self.counts.get(table, 0) + 1

    def read(self, tables) -> list[int]:
        with self.lock:
            return [self.counts.get(t, 0) for t in tables]


class LocalStore:
    """One process's memory (the demo, one process without Redis)."""

    def __init__(self, size: int = 512):
        self.lock = threading.Lock()
        self.versions = _Counts()
        self.bump, self.read = self.versions.bump, self.versions.read
        self.pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.size = size

    def get(self, key: str) -> bytes | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None or found[0] < time.monotonic():
                return None
            self.pages.move_to_end(key)
            return found[1]

    def set(self, key: str, data: bytes, max_age: float) -> None:
        with self.lock:
            self.pages[key] = (time.monotonic() + max_age, data)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


class RedisStore:
    """Shared by every server process: versions in one hash, pages as keys that expire."""

    def __init__(self, url: str, namespace: str = "dientap"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)
        self.VERSIONS = f"{namespace}:pagecache:versions"
        self.PAGE = f"{namespace}:pagecache:page:"

    def bump(self, tables) -> None:
        pipe = self.client.pipeline(transaction=False)
        for table in tables:
            pipe.hincrby(self.VERSIONS, table, 1)
        pipe.execute()

    def read(self, tables) -> list[int]:
        return [int(v or 0) for v in self.client.hmget(self.VERSIONS, list(tables))]

    def get(self, key: str) -> bytes | None:
        return self.client.get(self.PAGE + key)

    def set(self, key: str, data: bytes, max_age: float) -> None:
        self.client.set(self.PAGE + key, data, px=max(1, int(max_age * 1000)))


_store = None
_store_lock = threading.Lock()


def store():
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                url = settings.REDIS_URL
                _store = RedisStore(url, settings.DIENTAP_PAGE_CACHE_NAMESPACE) if url \
                    else LocalStore()
    return _store


def reset_store() -> None:
    """Forget the store (settings changed, e.g. in a test)."""
    global _store
    _store = None


_last_warning = [0.0]


def _warn(message: str, *args) -> None:
    """Say that the store failed at most once a minute (Redis down: every request fails)."""
    now = time.monotonic()
    if now - _last_warning[0] >= 60:
        _last_warning[0] = now
        log.warning(message, *args, exc_info=True)


def _bump(tables) -> None:
    try:
        store().bump(tables)
    except Exception:  # noqa: BLE001 - pages expire after max_age whatever happens
        _warn("could not bump the page versions of %s", sorted(tables))


_local = _Counts()  # writes not yet committed, counted in this process only (``_written``)
PROCESS = uuid.uuid4().hex  # which process kept a page (its uncommitted counts are its own)


def versions(tables) -> tuple:
    """What a kept page carries: the shared versions of its tables, and this process's
    counts of writes to them that may not be committed yet."""
    return store().read(tables), PROCESS, _local.read(tables)


def current(tables, kept) -> bool:
    """Are the versions a page was kept with still those of its tables?"""
    shared, process, local = kept
    if store().read(tables) != shared:
        return False
    # Another process's uncommitted writes are invisible here: only this process's count.
    return process != PROCESS or _local.read(tables) == local


def invalidate_all() -> None:
    """Every kept page is built afresh (tests, restores, changes made outside Django)."""
    _bump({ALL})


# --- watching the SQL -------------------------------------------------------------------------

class _Capture:
    __slots__ = ("reads", "wrote")

    def __init__(self):
        self.reads: set[str] = set()
        self.wrote = False


_capture: contextvars.ContextVar[_Capture | None] = contextvars.ContextVar(
    "dientap_pagecache_capture", default=None)


def _observe(execute, sql, params, many, context):
    kind, tables = classify(sql) if isinstance(sql, str) else (WRITE, frozenset({ALL}))
    capture = _capture.get()
    if kind == READ:
        if capture is not None:
            capture.reads.update(tables)
        return execute(sql, params, many, context)
    result = execute(sql, params, many, context)
    if kind == WRITE:
        tables = tables - IGNORED
        if tables:
            if capture is not None:
                capture.wrote = True
            _written(context["connection"], tables)
    return result


def _written(connection, tables) -> None:
    """Counted now in this process (a later read in the same transaction; a test's
    transaction, which never commits), and bumped in the store once committed: right away in
    autocommit, else by one callback per transaction that bumps all the tables it wrote."""
    _local.bump(tables)
    if not connection.in_atomic_block:
        _bump(tables)
        return
    pending = connection.__dict__.setdefault("_dientap_pagecache_pending", set())
    pending.update(tables)
    flush = connection.__dict__.get("_dientap_pagecache_flush")
    if flush is None:
        def flush():
            written = set(pending)
            pending.clear()
            if written:
                _bump(written)

        connection._dientap_pagecache_flush = flush
    # A savepoint rolled back drops the callbacks registered inside it: register again then.
    if not any(entry[1] is flush for entry in connection.run_on_commit):
        transaction.on_commit(flush, using=connection.alias)


def _install(sender, connection, **kwargs):
    if not getattr(connection, "_dientap_pagecache", False):
        connection.execute_wrappers.append(_observe)
        connection._dientap_pagecache = True


def install() -> None:
    """Watch the SQL of every database connection (CoreConfig.ready)."""
    connection_created.connect(_install, dispatch_uid="dientap.pagecache")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


# --- the decorator ----------------------------------------------------------------------------

def _key(request) -> str | None:
    session_key = request.session.session_key
    if not session_key:
        return None
    parts = (session_key, request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
             getattr(request, "LANGUAGE_CODE", ""), request.get_full_path())
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=20).hexdigest()


def _cacheable_request(request) -> bool:
    if request.method != "GET" or not settings.DIENTAP_PAGE_CACHE:
        return False
    if not request.user.is_authenticated:
        return False
    if "no-cache" in request.headers.get("Cache-Control", ""):
        return False
    return not _messages_waiting(request, loaded=True)


# The tables each view read when it was last built in this process: the versions to read
# before the next build. A build that read only these tables is kept with the versions read
# before it started, so a write that commits while it runs makes it stale at once; a build that
# read another table widens the view's set and is not kept.
_tables_of: dict[str, frozenset] = {}


def page_cache(max_age: float, *, always=None):
    """Keep the view's page for the session for at most ``max_age`` seconds while nothing it
    read has changed. ``always`` is called on every request, served from the cache or not
    (e.g. starting the clock's ticker)."""

    def decorator(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if always is not None:
                always()
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            if key is not None:
                hit = _lookup(key)
                if hit is not None:
                    return hit
            known = _tables_of.get(name)
            tables = sorted(known | ALWAYS) if known is not None else None
            try:
                kept_with = versions(tables) if tables else None
            except Exception:  # noqa: BLE001 - no cache: build the page
                _warn("page cache unavailable")
                return view(request, *args, **kwargs)
            capture = _Capture()
            token = _capture.set(capture)
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            finally:
                _capture.reset(token)
            if known is None or not capture.reads <= known:
                _tables_of[name] = (known or frozenset()) | capture.reads
                return response
            key = key or _key(request)
            if (key is not None and response.status_code == 200 and not capture.wrote
                    and not response.streaming and not response.cookies
                    and not capture.reads & IGNORED
                    and not _messages_waiting(request, loaded=False)):
                _keep(key, response, tables, kept_with, max_age)
            return response

        return wrapped

    return decorator


def _messages_waiting(request, *, loaded: bool) -> bool:
    """Flash messages added in this request (and, with ``loaded``, ones from before it)."""
    messages = getattr(request, "_messages", None)
    return messages is not None and bool(
        messages._queued_messages or (loaded and messages._loaded_messages))


def _keep(key, response, tables, kept_with, max_age) -> None:
    try:
        headers = [(k, v) for k, v in response.items()
                   if k.lower() not in ("set-cookie", "vary", "content-length")]
        data = pickle.dumps((tables, kept_with, response.status_code, headers,
                             response.content), protocol=pickle.HIGHEST_PROTOCOL)
        store().set(key, data, max_age)
    except Exception:  # noqa: BLE001 - the page was served; it is only not kept
        _warn("could not keep a page")


def _lookup(key) -> HttpResponse | None:
    try:
        s = store()
        data = s.get(key)
        if data is None:
            return None
        tables, kept_with, status, headers, content = pickle.loads(data)  # noqa: S301 - ours
        if not current(tables, kept_with):
            return None
    except Exception:  # noqa: BLE001 - no cache: build the page
        _warn("page cache unavailable")
        return None
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def forget_namespace() -> None:
    """Delete this namespace's versions and pages from Redis (the end of a test run)."""
    s = store()
    if isinstance(s, RedisStore):
        try:
            keys = [s.VERSIONS, *s.client.scan_iter(match=s.PAGE + "*", count=1000)]
            s.client.delete(*keys)
        except Exception:  # noqa: BLE001 - pages expire; the hash is small
            log.warning("could not delete the page cache of this run", exc_info=True)
