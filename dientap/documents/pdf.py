"""PDF through LibreOffice headless, in a subprocess with a timeout and a private profile
(so that parallel conversions do not fight over one user installation)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """Convert .docx bytes to PDF bytes; ValidationError with a clear message on failure."""
    program = soffice()
    if not program:
        raise ValidationError(_(
            "PDF output needs LibreOffice (soffice), which is not installed on this server. "
            "Download the .docx instead, or ask the administrator to install LibreOffice."))
    with tempfile.TemporaryDirectory(prefix="dientap-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(data)
        profile = (work / "profile").as_uri()
        env = {**os.environ, "HOME": tmp}
        try:
            subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
                [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--nolockcheck", "--convert-to", "pdf", "--outdir", str(work), str(source)],
                capture_output=True, timeout=timeout, check=False, env=env, cwd=tmp,
            )
        except subprocess.TimeoutExpired:
            raise ValidationError(
                _("LibreOffice took too long to make the PDF; try again later.")) from None
        except OSError:
            raise ValidationError(_("LibreOffice could not be started to make the PDF.")) from None
        result = work / "document.pdf"
        if not result.exists() or result.stat().st_size == 0:
            raise ValidationError(_("LibreOffice could not convert the document to PDF."))
        return result.read_bytes()
