"""Two server processes, one PostgreSQL and one Redis: a step taken through process A reaches
a browser connected to process B (fan-out through Redis)."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

from conftest import free_port
from dientap.conferences.models import Holding
from dientap.demo import seed

from .conftest import LIVE_MS
from .test_runsheet_live import logged_in_page, step

pytestmark = pytest.mark.browser
DIENTAP = str(Path(sys.executable).with_name("dientap"))


class Process:
    def __init__(self, env, tmp_path, name):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp_path / f"{name}.log", "w+")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [DIENTAP, "serve", "--no-migrate", "--port", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:  # noqa: S310
                    body = r.read().decode()
                    assert '"redis": "ok"' in body, body
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"{self.url} did not become healthy: {self.output()}")

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)
        self.log.close()


@pytest.fixture
def postgres_demo(transactional_db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server shared by two processes: runs in the "
                    "PostgreSQL pass of ./run test")
    # Real password hashing: the server processes use the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    return seed.load()


def test_step_through_process_a_reaches_a_browser_on_process_b(
        browser, postgres_demo, settings, tmp_path):
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL must point to the Redis server (./run test sets it)"
    db = connection.settings_dict
    database_url = (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                    f"/{db['NAME']}")
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "DIENTAP_SECRET_KEY": settings.SECRET_KEY, "DIENTAP_DATA_DIR": str(tmp_path),
           "DIENTAP_LOG_LEVEL": "warning"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    a, b = Process(env, tmp_path, "a"), Process(env, tmp_path, "b")
    try:
        a.wait_healthy()
        b.wait_healthy()
        holding = Holding.objects.get(round__number=2, round__kind="rehearsal",
                                      conference__body__name="Ban Chấp hành Đảng bộ tỉnh")
        url = f"/holdings/{holding.pk}/run/"
        chair_ctx, chair = logged_in_page(browser, a, "bantochuc")
        observer_ctx, observer = logged_in_page(browser, b, "theodoi")
        observer.goto(url)
        chair.goto(url)
        expect(observer.locator("[data-testid=holding-state]")).to_have_text("Đã lên lịch")
        chair.click("[data-testid=start]")
        expect(observer.locator("[data-testid=holding-state]")).to_have_text(
            "Đang diễn ra", timeout=LIVE_MS)
        step(chair, 0).locator("[data-item-action=item_start]").click()
        expect(step(observer, 0)).to_have_attribute("data-status", "running", timeout=LIVE_MS)
        chair_ctx.close()
        observer_ctx.close()
    finally:
        a.stop()
        b.stop()
