"""Content-addressed file store under the data dir: files/ab/cd/<sha256>.

Files are never served from a public URL: every download goes through a view that checks
access (``Document.objects.restrict``). A file is written to a temporary name in the same
directory tree first and renamed into place, so a failed upload never leaves half a file.
"""

import os
import re
from pathlib import Path

from django.conf import settings

_SHA = re.compile(r"^[0-9a-f]{64}$")


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "files"


def staging_dir() -> Path:
    path = files_dir() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def blob_path(sha256: str) -> Path:
    if not _SHA.match(sha256 or ""):
        raise ValueError("not a SHA-256 checksum")
    return files_dir() / sha256[:2] / sha256[2:4] / sha256


def store(staged_path: Path, sha256: str) -> bool:
    """Move a staged file into the store; tell whether it was new (False: already there)."""
    target = blob_path(sha256)
    if target.exists():
        staged_path.unlink(missing_ok=True)
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(staged_path, "rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(staged_path, 0o640)
    os.replace(staged_path, target)
    return True


def remove(sha256: str) -> None:
    blob_path(sha256).unlink(missing_ok=True)


def read(sha256: str) -> bytes:
    return blob_path(sha256).read_bytes()


def blobs() -> list[Path]:
    """Every stored file (tests and maintenance)."""
    root = files_dir()
    if not root.exists():
        return []
    return [p for p in root.rglob("*") if p.is_file()]
