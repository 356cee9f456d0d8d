"""Backup and restore: one archive with the database, the stored files and a manifest.

Archive layout (``.tar.gz``, or ``.zip`` when the name ends in .zip)::

    manifest.json    format, versions, migrations, row counts, SHA-256 of every member
    database.json    every row as a Django JSON fixture (what dumpdata writes, with times to
                     the microsecond; natural keys for content types and permissions, which
                     each installation creates itself): portable between SQLite and PostgreSQL
    files/…          the stored files (DATA_DIR/files)

`restore_backup` checks everything (format, checksums, schema version, an empty target)
before it writes anything, loads the database in one transaction, and copies the files last.
"""

import contextlib
import datetime as dt
import gzip
import hashlib
import itertools
import json
import os
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

FORMAT = "dientap-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
FILES = "files"

# Recreated by `migrate` in every installation (and referred to by natural key), or transient.
EXCLUDED_MODELS = ("contenttypes.contenttype", "auth.permission", "sessions.session")
# Rows that `migrate` itself creates: an installation holding only these is empty.
CREATED_BY_MIGRATE = (*EXCLUDED_MODELS, "core.auditchainhead")


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup cannot be written, or an archive cannot be restored (nothing was changed)."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / FILES


def _stored_files() -> list[tuple[str, Path]]:
    """(archive name, path) of every stored file; the upload staging area is left out."""
    root = files_dir()
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not path.is_symlink() and rel.parts[0] != "tmp":
            found.append((f"{FILES}/{rel.as_posix()}", path))
    return found


def _models():
    return [m for m in apps.get_models() if m._meta.label_lower not in EXCLUDED_MODELS
            and not m._meta.proxy and m._meta.managed]


def inventory(using=DEFAULT_DB_ALIAS) -> dict:
    """Rows per model and a digest of each model's rows (to compare two installations)."""
    counts, digests = {}, {}
    for model in _models():
        qs = model._base_manager.using(using).order_by("pk")
        counts[model._meta.label_lower] = qs.count()
        data = serializers.serialize("json", qs, use_natural_foreign_keys=True,
                                     cls=PreciseJSONEncoder)
        digests[model._meta.label_lower] = hashlib.sha256(data.encode()).hexdigest()
    return {"counts": counts, "digests": digests}


def _dump(out: Path, using) -> None:
    """All rows as one JSON fixture (what `loaddata` reads), models in dependency order,
    streamed, with full-precision times."""
    by_app = {}
    for model in _models():
        by_app.setdefault(model._meta.app_config, []).append(model)
    ordered = serializers.sort_dependencies(by_app.items(), allow_cycles=True)
    rows = itertools.chain.from_iterable(
        m._base_manager.using(using).order_by("pk").iterator(chunk_size=2000) for m in ordered)
    with open(out, "w", encoding="utf-8") as fh:
        serializers.serialize("json", rows, stream=fh, use_natural_foreign_keys=True,
                              cls=PreciseJSONEncoder)


def _applied_migrations(using=DEFAULT_DB_ALIAS) -> list[list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    installed = {a.label for a in apps.get_app_configs()}
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted([a, n] for a, n in applied if a in installed)


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    installed = {a.label for a in apps.get_app_configs()}
    return {key for key in loader.graph.nodes if key[0] in installed}


def _version() -> str:
    try:
        return metadata.version("dientap")
    except metadata.PackageNotFoundError:
        return "unknown"


# Writing -----------------------------------------------------------------------------------

@contextlib.contextmanager
def _database_errors(what: str):
    try:
        yield
    except (DatabaseError, serializers.base.DeserializationError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackupError(f"{what} failed: {reason}") from exc


def create_backup(path, using=DEFAULT_DB_ALIAS) -> dict:
    """Write the archive to `path` (through a temporary name: never half an archive)."""
    from .audit import verify_chain

    path = Path(path)
    as_zip = path.name.endswith(".zip")
    if not (as_zip or path.name.endswith((".tar.gz", ".tgz"))):
        raise BackupError(f"the archive name must end in .tar.gz or .zip: {path}")
    if not path.parent.is_dir():
        raise BackupError(f"no such directory: {path.parent}")
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="dientap-backup-") as tmp:
        dump = Path(tmp) / DATABASE
        # One consistent snapshot of every table while the application keeps running.
        outermost = not connection.in_atomic_block
        with _database_errors("reading the database"), transaction.atomic(using=using):
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            migrations = _applied_migrations(using)
            if {tuple(m) for m in migrations} != _known_migrations():
                raise BackupError("the database is not fully migrated: run "
                                  "`dientap manage migrate` first")
            _dump(dump, using)
            counts = inventory(using)["counts"]
            chain = verify_chain()
        members = {DATABASE: {"size": dump.stat().st_size, "sha256": _sha256(dump)}}
        files = _stored_files()
        for name, file_path in files:
            members[name] = {"size": file_path.stat().st_size, "sha256": _sha256(file_path)}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "dientap_version": _version(),
            "django_version": django.get_version(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "counts": counts,
            "audit_chain": {"entries": chain.entries, "intact": chain.ok,
                            "head": chain.head_hash},
            "members": members,
            "files": [name for name, _ in files],
        }
        manifest_path = Path(tmp) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = path.with_name(path.name + ".part")
        try:
            if as_zip:
                with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
                    zf.write(manifest_path, MANIFEST)
                    zf.write(dump, DATABASE)
                    for name, file_path in files:
                        zf.write(file_path, name)
            else:
                with tarfile.open(partial, "w:gz") as tf:
                    tf.add(manifest_path, MANIFEST)
                    tf.add(dump, DATABASE)
                    for name, file_path in files:
                        tf.add(file_path, name)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# Reading and checking ----------------------------------------------------------------------

def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return (not p.is_absolute() and ".." not in p.parts and name == p.as_posix()
            and (name in (MANIFEST, DATABASE) or (p.parts[0] == FILES and len(p.parts) > 1)))


def _extract(path: Path, into: Path) -> None:
    """Unpack regular files with safe names only; any damage is a BackupError."""
    with open(path, "rb") as fh:
        magic = fh.read(4)
    try:
        if magic[:2] == b"\x1f\x8b":
            with gzip.open(path) as whole:  # the gzip checksum covers every byte
                while whole.read(1 << 20):
                    pass
            with tarfile.open(path, "r:gz") as tf:
                for member in tf:
                    if not member.isfile() or not _safe_name(member.name):
                        raise BackupError(f"unexpected entry in the archive: {member.name}")
                    source = tf.extractfile(member)
                    target = into / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with open(target, "wb") as out:
                        shutil.copyfileobj(source, out)
        elif magic == b"PK\x03\x04":
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.is_dir() or not _safe_name(info.filename):
                        raise BackupError(f"unexpected entry in the archive: {info.filename}")
                    target = into / info.filename
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as source, open(target, "wb") as out:
                        shutil.copyfileobj(source, out)
        else:
            raise BackupError("not a dientap backup (neither .tar.gz nor .zip)")
    except BackupError:
        raise
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError, OSError,
            ValueError) as exc:
        raise BackupError(f"the archive is damaged or truncated ({exc})") from exc


def check_archive(path, into: Path) -> dict:
    """Unpack `path` into `into` and check it completely; return the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    _extract(path, into)
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError("not a dientap backup (no readable manifest)") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a dientap backup (unknown manifest)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"backup format version {manifest.get('format_version')} is not "
                          f"supported (this dientap reads version {FORMAT_VERSION})")
    members = manifest.get("members") or {}
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if DATABASE not in members:
        raise BackupError("the manifest lists no database dump")
    if missing := sorted(set(members) - present):
        raise BackupError(f"the archive is incomplete: {missing[0]} is missing")
    if extra := sorted(present - set(members)):
        raise BackupError(f"the archive holds a file its manifest does not list: {extra[0]}")
    for name, expected in members.items():
        file_path = into / name
        if file_path.stat().st_size != expected.get("size") or _sha256(file_path) != expected.get(
                "sha256"):
            raise BackupError(f"checksum mismatch for {name}: the archive is corrupted")
    try:
        rows = json.loads((into / DATABASE).read_text())
    except ValueError as exc:
        raise BackupError("the database dump is not valid JSON") from exc
    if not isinstance(rows, list):
        raise BackupError("the database dump is not a list of rows")
    archived = {tuple(m) for m in manifest.get("migrations", [])}
    known = _known_migrations()
    if archived != known:
        newer = sorted(archived - known)
        older = sorted(known - archived)
        if newer:
            raise BackupError(
                f"the backup was made by a newer dientap (migration {'.'.join(newer[0])} is "
                f"unknown here): restore it with dientap {manifest.get('dientap_version')}")
        raise BackupError(
            f"the backup was made by an older dientap (migration {'.'.join(older[0])} was not "
            f"applied there): restore it with dientap {manifest.get('dientap_version')}, then "
            "upgrade")
    return manifest


def _non_empty_reason(using=DEFAULT_DB_ALIAS) -> str | None:
    tables = set(connections[using].introspection.table_names())
    for model in apps.get_models():
        if model._meta.label_lower in CREATED_BY_MIGRATE or model._meta.db_table not in tables:
            continue
        if not model._meta.managed or model._meta.proxy:
            continue
        if model._base_manager.using(using).exists():
            return f"the database already holds data ({model._meta.verbose_name_plural})"
    if _stored_files():
        return f"the data directory already holds stored files ({files_dir()})"
    return None


def restore_backup(path, using=DEFAULT_DB_ALIAS) -> str:
    """Restore into an empty installation; refuse (changing nothing) when anything is wrong."""
    from .audit import verify_chain

    with tempfile.TemporaryDirectory(prefix="dientap-restore-") as tmp:
        into = Path(tmp)
        manifest = check_archive(path, into)
        if reason := _non_empty_reason(using):
            raise BackupError(f"{reason}: restore only into an empty installation "
                              "(a new database and data directory)")
        # Everything is checked: from here on the target is written.
        call_command("migrate", database=using, interactive=False, verbosity=0)
        with _database_errors("loading the backup"), transaction.atomic(using=using):
            call_command("loaddata", str(into / DATABASE), database=using, verbosity=0)
            counts = inventory(using)["counts"]
            if counts != manifest["counts"]:
                diff = sorted(k for k in counts if counts.get(k) != manifest["counts"].get(k))
                raise BackupError(f"restored row counts differ from the backup ({diff[:3]}); "
                                  "nothing was restored")
        target_root = files_dir()
        for name in manifest["files"]:
            target = target_root / PurePosixPath(name).relative_to(FILES)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(into / name, target)
    chain = verify_chain()
    rows = sum(manifest["counts"].values())
    return (f"restored {rows} rows and {len(manifest['files'])} files from a backup of "
            f"{manifest['created_at']}; {chain.message}")
