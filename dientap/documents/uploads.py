"""Checks on uploaded documents: by content, never by name alone.

Accepted: .docx (a zip with [Content_Types].xml and word/document.xml that python-docx
opens), .odt (a zip whose ``mimetype`` is application/vnd.oasis.opendocument.text) and .pdf
(starting with %PDF-). Refused with a message in the user's language, and nothing kept:
programs renamed as documents, damaged archives, zip bombs, empty files, files over
DIENTAP_MAX_UPLOAD_MB, names with path separators or control characters, and a name whose
extension does not match the content.
"""

import hashlib
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import storage

EXTENSIONS = {"docx": ".docx", "odt": ".odt", "pdf": ".pdf"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows / DOS programs
    b"\x7fELF",  # Linux programs
    b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",  # macOS programs
    b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"#!",  # scripts
)  # fmt: skip
MAX_ZIP_ENTRIES = 2000
# An archive may unpack to at most this many times the upload limit, and, once it unpacks to
# more than a megabyte, be at most this many times smaller than what it unpacks to.
MAX_UNPACKED_FACTOR = 4
MAX_RATIO = 100
_CHUNK = 1024 * 1024


@dataclass
class StagedFile:
    """An accepted upload waiting in the staging directory for its version row."""

    path: Path
    sha256: str
    size: int
    format: str
    name: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def max_upload_bytes() -> int:
    return int(settings.DIENTAP_MAX_UPLOAD_MB) * 1024 * 1024


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("The file has no name."), code="name")
    if "/" in name or "\\" in name:
        raise ValidationError(
            _("The file name must not contain “/” or “\\”: rename the file and upload it "
              "again."), code="name")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise ValidationError(
            _("The file name contains invisible control characters: rename the file and "
              "upload it again."), code="name")
    if len(name) > 200:
        raise ValidationError(_("The file name is too long (at most 200 characters)."),
                              code="name")
    if Path(name).suffix.lower() not in EXTENSIONS.values():
        raise ValidationError(_("Only .docx, .odt and .pdf files are accepted."), code="type")
    return name


def _chunks(fileobj):
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    if hasattr(fileobj, "chunks"):
        yield from fileobj.chunks(_CHUNK)
        return
    while True:
        chunk = fileobj.read(_CHUNK)
        if not chunk:
            return
        yield chunk


def stage(fileobj, name: str) -> StagedFile:
    """Check an upload and copy it to the staging directory; raise ValidationError if bad."""
    name = check_name(name)
    limit = max_upload_bytes()
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on success
        dir=storage.staging_dir(), prefix="upload-", delete=False)
    path = Path(handle.name)
    try:
        with handle:
            for chunk in _chunks(fileobj):
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        _("The file is larger than the limit of {limit} MB.").format(
                            limit=settings.DIENTAP_MAX_UPLOAD_MB), code="size")
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        fmt = sniff(path)
        if Path(name).suffix.lower() != EXTENSIONS[fmt]:
            raise ValidationError(
                _("The file's name ends in “{suffix}” but its content is a {kind} file: "
                  "rename it or upload the right file.").format(
                    suffix=Path(name).suffix, kind=EXTENSIONS[fmt]), code="mismatch")
        return StagedFile(path=path, sha256=digest.hexdigest(), size=size, format=fmt,
                          name=name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def sniff(path: Path) -> str:
    """'docx', 'odt' or 'pdf' from the content; ValidationError for anything else."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_EXECUTABLE_MAGIC):
        raise ValidationError(
            _("This file is a program, not a document: it was refused."), code="executable")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _inspect_zip(path)
    raise ValidationError(_("Only .docx, .odt and .pdf files are accepted."), code="type")


def _damaged():
    return ValidationError(
        _("The file is damaged: it cannot be opened as a .docx or .odt document."),
        code="corrupt")


def _bomb():
    return ValidationError(
        _("The file unpacks to far more data than a document holds (a “zip bomb”): it was "
          "refused."), code="bomb")


def _inspect_zip(path: Path) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _damaged() from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise _bomb()
        max_unpacked = MAX_UNPACKED_FACTOR * max_upload_bytes()
        declared = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if declared > max_unpacked or (declared > _CHUNK and declared / packed > MAX_RATIO):
            raise _bomb()
        names = {i.filename for i in infos}
        if "mimetype" in names:
            fmt = "odt" if _read(archive, "mimetype", 200).strip() == ODT_MIMETYPE else None
            if fmt and "content.xml" not in names:
                raise _damaged()
        elif "[Content_Types].xml" in names and "word/document.xml" in names:
            fmt = "docx"
        else:
            fmt = None
        if fmt is None:
            raise ValidationError(
                _("This archive is not a .docx or .odt document: only .docx, .odt and .pdf "
                  "files are accepted."), code="type")
        # Unpack everything once, counting real bytes (headers can lie) and checking CRCs.
        total = 0
        try:
            for info in infos:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        total += len(chunk)
                        if total > max_unpacked or (total > _CHUNK and total / packed > MAX_RATIO):
                            raise _bomb()
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
            raise _damaged() from None
    _check_parses(path, fmt)
    return fmt


def _read(archive, name, limit):
    try:
        with archive.open(name) as member:
            return member.read(limit)
    except (zipfile.BadZipFile, zlib.error, OSError):
        raise _damaged() from None


def _check_parses(path: Path, fmt: str) -> None:
    if fmt == "docx":
        import docx

        try:
            docx.Document(str(path))
        except Exception:  # noqa: BLE001 - any failure to open means a damaged file
            raise _damaged() from None
    else:
        try:
            with zipfile.ZipFile(path) as archive, archive.open("content.xml") as member:
                ElementTree.parse(member)  # noqa: S314 - expat refuses entity expansion bombs
        except Exception:  # noqa: BLE001
            raise _damaged() from None
