"""`dientap backup` / `dientap restore`: the demo survives the round trip exactly, on the
database the suite runs on (SQLite, then PostgreSQL); a damaged archive is refused before
anything is written."""

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.db import connection

from dientap.core import audit, backup

DIENTAP = str(Path(sys.executable).with_name("dientap"))

INVENTORY = (
    "import json; from dientap.core.backup import inventory; "
    "from dientap.exercises.models import Exercise; from dientap.accounts.models import User; "
    "from dientap.documents.models import Document; "
    "e = Exercise.objects.order_by('pk').first(); u = User.objects.get(username='admin'); "
    "d = Document.objects.order_by('pk').first(); "
    "print('INVENTORY ' + json.dumps({**inventory(), 'sample': [e.name, str(e.start_date), "
    "u.password, u.clearance, d.title, d.status]}))"
)


def env(data_dir, database_url):
    e = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    e.update({"DIENTAP_DATA_DIR": str(data_dir), "DATABASE_URL": database_url})
    return e


def run(args, data_dir, database_url):
    return subprocess.run([DIENTAP, *args], env=env(data_dir, database_url),
                          capture_output=True, text=True, timeout=600)


def file_checksums(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "tmp"}


@pytest.fixture
def demo(db, settings, tmp_path):
    from dientap.demo import seed

    settings.DATA_DIR = tmp_path / "source"
    seed.load()
    assert backup._stored_files(), "the demo stores files"
    return tmp_path


@pytest.fixture
def target_db(tmp_path):
    """A new, empty database of the same kind as the suite's, dropped at the end."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"dientap_restore_{uuid.uuid4().hex[:10]}"
    admin = {"host": params["HOST"] or "127.0.0.1", "port": params["PORT"] or 5432,
             "user": params["USER"], "password": params["PASSWORD"] or None,
             "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    try:
        yield (f"postgres://{params['USER']}{password}@{admin['host']}:{admin['port']}/{name}")
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_round_trip_is_lossless(demo, target_db, suffix):
    archive = demo / f"backup{suffix}"
    manifest = backup.create_backup(archive)
    source = backup.inventory()
    source_files = file_checksums(backup.files_dir())
    chain = audit.verify_chain()
    assert chain.ok and manifest["audit_chain"]["entries"] == chain.entries > 0
    assert manifest["counts"] == source["counts"]
    assert len(manifest["files"]) == len(source_files) >= 2

    target_dir = demo / "target"
    result = run(["restore", str(archive)], target_dir, target_db)
    assert result.returncode == 0, result.stderr
    assert f"audit chain intact ({chain.entries} entries)" in result.stdout

    result = run(["manage", "shell", "-c", INVENTORY], target_dir, target_db)
    assert result.returncode == 0, result.stderr
    restored = json.loads(result.stdout.split("INVENTORY ", 1)[1])
    assert restored["counts"] == source["counts"]
    differing = [m for m in source["digests"] if restored["digests"][m] != source["digests"][m]]
    assert not differing, f"rows differ after the round trip: {differing}"
    from dientap.accounts.models import User
    from dientap.documents.models import Document
    from dientap.exercises.models import Exercise

    e = Exercise.objects.order_by("pk").first()
    u = User.objects.get(username="admin")
    d = Document.objects.order_by("pk").first()
    assert restored["sample"] == [e.name, str(e.start_date), u.password, u.clearance, d.title,
                                  d.status]
    assert file_checksums(target_dir / "files") == source_files

    result = run(["audit", "verify"], target_dir, target_db)
    assert result.returncode == 0
    assert result.stdout.startswith(f"audit chain intact ({chain.entries} entries)")
    assert chain.head_hash in result.stdout


def test_restore_refuses_a_non_empty_installation(demo):
    archive = demo / "backup.tar.gz"
    backup.create_backup(archive)
    before = backup.inventory()["counts"]
    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore_backup(archive)
    assert backup.inventory()["counts"] == before


def _tables(sqlite_url: str) -> list:
    path = sqlite_url.removeprefix("sqlite:///")
    if not Path(path).exists():
        return []
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()


def _corruptions(good: Path, tmp: Path):
    data = good.read_bytes()
    yield "truncated", data[: len(data) // 2], "damaged or truncated"
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    yield "flipped byte", bytes(flipped), "damaged or truncated|checksum mismatch"
    yield "not an archive", b"hello, this is not a backup\n" * 10, "not a dientap backup"
    # A well-formed archive whose database dump was changed after the manifest was written.
    with tarfile.open(good, "r:gz") as tf:
        members = [(m, tf.extractfile(m).read()) for m in tf.getmembers()]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for member, content in members:
            if member.name == "database.json":
                content = content.replace(b"Tuy\\u00ean Quang", b"Tuyen Quang", 1).replace(
                    "Tuyên Quang".encode(), b"Tuyen Quang", 1)
                member.size = len(content)
            tf.addfile(member, io.BytesIO(content))
    yield "edited dump", buf.getvalue(), "checksum mismatch for database.json"
    # A member the manifest does not list (e.g. a planted file).
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for member, content in members:
            tf.addfile(member, io.BytesIO(content))
        extra = tarfile.TarInfo("files/planted")
        extra.size = 3
        tf.addfile(extra, io.BytesIO(b"bad"))
    yield "planted file", buf.getvalue(), "does not list"
    # Path traversal.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        evil = tarfile.TarInfo("../evil")
        evil.size = 3
        tf.addfile(evil, io.BytesIO(b"bad"))
    yield "path traversal", buf.getvalue(), "unexpected entry"
    yield "gzip of nothing", gzip.compress(b""), "damaged or truncated|not a dientap backup"


def test_restore_refuses_a_corrupted_archive_without_touching_the_target(demo):
    good = demo / "good.tar.gz"
    backup.create_backup(good)
    sqlite_target = f"sqlite:///{demo / 'untouched.sqlite3'}"
    for label, content, message in _corruptions(good, demo):
        bad = demo / "bad.tar.gz"
        bad.write_bytes(content)
        target_dir = demo / "untouched"
        result = run(["restore", str(bad)], target_dir, sqlite_target)
        assert result.returncode == 1, (label, result.stdout, result.stderr)
        assert "restore refused" in result.stderr, label
        import re

        assert re.search(message, result.stderr), (label, result.stderr)
        assert "Traceback" not in result.stderr
        assert _tables(sqlite_target) == [], f"{label}: the target database was written"
        assert not (target_dir / "files").exists(), f"{label}: files were written"
        assert not (demo / "evil").exists()


def test_backup_refuses_a_bad_name(demo):
    with pytest.raises(backup.BackupError, match=r"\.tar\.gz or \.zip"):
        backup.create_backup(demo / "backup.rar")
