"""The `dientap` command as a user runs it: real processes, real ports."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

DIENTAP = str(Path(sys.executable).with_name("dientap"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(tmp_path, **extra):
    e = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    e.update({"DIENTAP_DATA_DIR": str(tmp_path), **extra})
    return e


def test_serve_with_unreachable_database_exits_with_one_clear_line(tmp_path):
    result = subprocess.run(
        [DIENTAP, "serve", "--port", str(free_port())],
        env=env(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing"),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dientap: cannot connect to the database")
    assert "Traceback" not in result.stderr


def test_secret_key_is_generated_once_and_kept(tmp_path):
    run = [DIENTAP, "manage", "shell", "-c",
           "from django.conf import settings; print(settings.SECRET_KEY)"]
    first = subprocess.run(run, env=env(tmp_path), capture_output=True, text=True, timeout=60)
    second = subprocess.run(run, env=env(tmp_path), capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50 and key == second.stdout.strip()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def wait_for(url, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost
                return response.status, response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in {timeout}s")


@pytest.fixture
def demo_process(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [DIENTAP, "demo", "--port", str(port)], env=env(tmp_path / "demo"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    yield proc, f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


def test_demo_starts_on_sqlite_with_data_and_prints_accounts(demo_process, tmp_path):
    proc, base = demo_process
    status, body = wait_for(f"{base}/healthz", proc)
    assert status == 200 and '"database": "ok"' in body
    assert (tmp_path / "demo" / "demo.sqlite3").exists()
    status, html = wait_for(f"{base}/accounts/login/", proc)
    assert "bantochuc" in html and '<html lang="vi">' in html  # demo accounts on the login page
    # the CSS comes from the app itself
    status, css = wait_for(f"{base}/static/dientap/app.css", proc)
    assert status == 200 and "--brand" in css
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    assert f"open {base}/" in out
    for username in ["admin", "bantochuc", "daodien", "ubnd", "theodoi", "quankhu"]:
        assert f"    {username} " in out
