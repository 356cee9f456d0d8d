"""Photos of observations and evidence files of checklist items: checked by content, stored
in the documents' content-addressed store (``dientap.documents.storage``), served only through
views that check access."""

import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

from dientap.documents import storage


def max_bytes() -> int:
    """Largest photo or evidence file: DIENTAP_MAX_PHOTO_MB (default 10)."""
    return int(getattr(settings, "DIENTAP_MAX_PHOTO_MB", 10)) * 1024 * 1024

IMAGE_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EVIDENCE_TYPES = {**IMAGE_TYPES, "pdf": "application/pdf"}


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def _read_all(fileobj, limit: int) -> bytes:
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    chunks, size = [], 0
    chunk_iter = fileobj.chunks() if hasattr(fileobj, "chunks") else iter(
        lambda: fileobj.read(65536), b"")
    for chunk in chunk_iter:
        size += len(chunk)
        if size > limit:
            raise ValidationError(
                _("The file is larger than the limit of {limit} MB.").format(
                    limit=max(1, limit // (1024 * 1024))), code="size")
        chunks.append(chunk)
    return b"".join(chunks)


def check(fileobj, *, allowed=IMAGE_TYPES) -> tuple[bytes, str]:
    """(content, kind) of an acceptable upload; ValidationError otherwise (nothing stored)."""
    data = _read_all(fileobj, max_bytes())
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(data[:16])
    if kind not in allowed:
        if allowed is IMAGE_TYPES:
            raise ValidationError(_("Only JPEG, PNG and WebP photos are accepted."),
                                  code="type")
        raise ValidationError(_("Only JPEG, PNG, WebP photos and PDF files are accepted."),
                              code="type")
    return data, kind


def store(data: bytes) -> str:
    """Put checked content in the store; its SHA-256 names it."""
    sha = hashlib.sha256(data).hexdigest()
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - moved into the store below
        dir=storage.staging_dir(), prefix="photo-", delete=False)
    with handle:
        handle.write(data)
    storage.store(Path(handle.name), sha)
    return sha


def read(sha256: str) -> bytes:
    return storage.read(sha256)


def response(data: bytes, content_type: str, name: str) -> HttpResponse:
    """A stored photo or evidence file for the browser (page or API): never cached, never
    sniffed as another type."""
    answer = HttpResponse(data, content_type=content_type)
    answer["Content-Disposition"] = f'inline; filename="{name}"'
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Cache-Control"] = "private, no-store"
    return answer
