"""PDF through LibreOffice headless, in a subprocess with a timeout.

LibreOffice starts faster with a user profile it has already set up, so the profiles are kept
under the data directory (``libreoffice/profile-N``). A profile serves one LibreOffice at a
time (a second one started on it hands its work to the first and exits): each conversion takes
a free profile of the pool under a file lock, and waits for one when all are busy. A profile
whose conversion failed or ran out of time is removed and set up afresh the next time.
"""

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 120
# Conversions that may run at once, one profile each (LibreOffice is busy on one core).
POOL_SIZE = max(1, min(4, os.cpu_count() or 1))
_WAIT_STEP = 0.05


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def profiles_dir() -> Path:
    return Path(settings.DATA_DIR) / "libreoffice"


class _TooLong(Exception):
    pass


@contextmanager
def _profile(timeout: float):
    """A kept profile directory no other conversion is using, locked until the block ends;
    a temporary one when the data directory cannot hold them."""
    root = profiles_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        locks = [open(root / f"profile-{slot}.lock", "a")  # noqa: SIM115 - closed below
                 for slot in range(POOL_SIZE)]
    except OSError:
        with tempfile.TemporaryDirectory(prefix="dientap-pdf-profile-") as tmp:
            yield Path(tmp) / "profile"
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            for slot, lock in enumerate(locks):
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                try:
                    yield root / f"profile-{slot}"
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
                return
            if time.monotonic() > deadline:
                raise _TooLong
            time.sleep(_WAIT_STEP)
    finally:
        for lock in locks:
            lock.close()


def _run(args: list[str], *, timeout: float, env: dict, cwd: str) -> None:
    """Run LibreOffice in a session of its own, so that a timeout ends all its processes
    (the launcher script, oosplash and soffice.bin), not only the first."""
    process = subprocess.Popen(  # noqa: S603 - fixed program and arguments, no shell
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd,
        start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def docx_to_pdf(data: bytes, *, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """Convert .docx bytes to PDF bytes; ValidationError with a clear message on failure."""
    program = soffice()
    if not program:
        raise ValidationError(_(
            "PDF output needs LibreOffice (soffice), which is not installed on this server. "
            "Download the .docx instead, or ask the administrator to install LibreOffice."))
    too_long = ValidationError(_("LibreOffice took too long to make the PDF; try again later."))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dientap-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(data)
        result = work / "document.pdf"
        try:
            with _profile(timeout) as profile:
                # LibreOffice writes under HOME too: next to the profiles, not in the
                # service account's home.
                env = {**os.environ, "HOME": str(profile.parent)}
                left = max(1.0, timeout - (time.monotonic() - started))
                try:
                    _run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                          "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir",
                          str(work), str(source)], timeout=left, env=env, cwd=tmp)
                except subprocess.TimeoutExpired:
                    shutil.rmtree(profile, ignore_errors=True)
                    raise too_long from None
                except OSError:
                    raise ValidationError(
                        _("LibreOffice could not be started to make the PDF.")) from None
                if not result.exists() or result.stat().st_size == 0:
                    shutil.rmtree(profile, ignore_errors=True)  # set up afresh next time
                    raise ValidationError(_("LibreOffice could not convert the document to PDF."))
        except _TooLong:
            raise too_long from None
        return result.read_bytes()
