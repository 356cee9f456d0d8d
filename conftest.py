import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM
# calls made by the test itself. The browser tests only use the ORM for set-up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """The page cache's versions in Redis are this test run's own: another run on the same
    Redis (a server, a second test process) writes its own tables."""
    from django.conf import settings

    from dientap.core import pagecache

    settings.DIENTAP_PAGE_CACHE_NAMESPACE = f"dientap-test-{os.getpid()}"
    pagecache.reset_store()


def pytest_sessionfinish(session, exitstatus):
    from django.conf import settings

    if settings.configured and getattr(settings, "REDIS_URL", ""):
        from dientap.core import pagecache

        pagecache.forget_namespace()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "vi"
    # Hashing strength is not under test here; a fast hasher keeps fixtures quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The scenario clock's background ticker would write to the test database behind the
    # tests' backs; tests that need it call scenarios.services.issue_due themselves.
    settings.SCENARIO_TICKER = False
    # Pages a previous test kept (its rows rolled back since) are never served again.
    from dientap.core import pagecache

    pagecache.invalidate_all()


def main_html(response) -> str:
    """The <main> part of a page (without the per-URL header and CSRF tokens)."""
    html = response.content.decode()
    return html[html.index("<main>"):html.index("</main>")]


@pytest.fixture
def world(db):
    """Two provinces under one Military Region, each with an exercise, and users of each kind."""
    from types import SimpleNamespace

    from dientap.core import testing as t
    from dientap.exercises.models import FrameParticipant, Membership

    vn = t.area("Việt Nam", level_code="national")
    qk = t.area("Quân khu 2", parent=vn, level_code="military_region")
    tq = t.area("Tỉnh Tuyên Quang", parent=qk, level_code="province")
    pt = t.area("Tỉnh Phú Thọ", parent=qk, level_code="province")
    qk9 = t.area("Quân khu 9", parent=vn, level_code="military_region")
    ubnd_tq = t.body("Ủy ban nhân dân tỉnh Tuyên Quang", area=tq, short_name="UBND tỉnh")
    tinh_uy = t.body("Tỉnh ủy Tuyên Quang", area=tq, short_name="Tỉnh ủy", kind="party")
    bchqs = t.body("Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", area=tq, short_name="Bộ CHQS tỉnh",
                   kind="military")
    ubnd_pt = t.body("Ủy ban nhân dân tỉnh Phú Thọ", area=pt, short_name="UBND tỉnh Phú Thọ")
    btl_qk2 = t.body("Bộ Tư lệnh Quân khu 2", area=qk, kind="military")
    btl_qk9 = t.body("Bộ Tư lệnh Quân khu 9", area=qk9, kind="military")
    lam = t.person("Chẩu Văn Lâm", (tinh_uy, "Bí thư Tỉnh ủy"), (bchqs, "Bí thư Đảng ủy Quân sự"))
    son = t.person("Nguyễn Văn Sơn", (ubnd_tq, "Chủ tịch UBND tỉnh"))
    pt_person = t.person("Hồ Đại Dũng", (ubnd_pt, "Chủ tịch UBND tỉnh Phú Thọ"))
    tq23 = t.exercise("TQ-23", area=tq)
    pt23 = t.exercise("PT-23", area=pt)
    from dientap.exercises import services as es

    es.frame_participant_add(tq23, acting_user=None, body=ubnd_tq, person=son,
                             role=FrameParticipant.Role.CHAIR)
    es.frame_participant_add(tq23, acting_user=None, body=tinh_uy, person=lam,
                             role=FrameParticipant.Role.CHAIR)
    es.frame_participant_add(pt23, acting_user=None, body=ubnd_pt, person=pt_person,
                             role=FrameParticipant.Role.CHAIR)
    organizer = t.user("organizer", body=bchqs,
                       perms=["organizations.add_person", "organizations.change_person",
                              "organizations.add_body", "organizations.change_body",
                              "exercises.add_exercise"])
    t.grant(tq23, organizer, Membership.Role.ORGANIZER)
    observer = t.user("observer", body=bchqs)
    t.grant(tq23, observer, Membership.Role.OBSERVER)
    frame_user = t.user("frame", body=ubnd_tq)
    inspector = t.user("inspector", body=btl_qk2, inspected_area=qk)
    other_inspector = t.user("inspector9", body=btl_qk9, inspected_area=qk9)
    stranger = t.user("stranger", body=ubnd_pt)
    nobody = t.user("nobody")
    return SimpleNamespace(**locals())


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThreadedASGIServer:
    """The real ASGI stack (uvicorn + Django's ASGI app) in a thread of the test process,
    on the test database: what `dientap serve` runs, but stoppable and restartable."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.thread = None

    def start(self):
        import threading
        import time

        import uvicorn
        from django.core.asgi import get_asgi_application

        config = uvicorn.Config(get_asgi_application(), host="127.0.0.1", port=self.port,
                                lifespan="off", log_level="warning",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI server did not start")
            time.sleep(0.05)
        return self

    def stop(self):
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(15)
            self.server = None


@pytest.fixture
def asgi_server(transactional_db):
    """Start servers with asgi_server(); all are stopped at the end of the test."""
    servers = []

    def start(port=None):
        server = ThreadedASGIServer(port).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    from dientap.core import realtime

    realtime.close_pool_connections()  # the live readers' connections, before the DB goes
