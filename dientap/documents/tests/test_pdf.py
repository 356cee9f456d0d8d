"""The LibreOffice conversion: kept profiles under the data directory, one conversion per
profile at a time, clear errors. A stand-in `soffice` script records what it was given."""

import fcntl
import os
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dientap.documents import pdf

FAKE = """#!/bin/sh
# A stand-in for LibreOffice: logs its profile and the times it ran, then "converts".
log="{log}"
for arg in "$@"; do
  case "$arg" in
    -env:UserInstallation=*) profile="${{arg#-env:UserInstallation=file://}}" ;;
  esac
  last="$arg"
  case "$prev" in --outdir) outdir="$arg" ;; esac
  prev="$arg"
done
mkdir -p "$profile/user"
echo "start $profile $(date +%s.%N)" >> "$log"
{body}
echo "end $profile $(date +%s.%N)" >> "$log"
"""
CONVERT = 'sleep {sleep}; printf "%%PDF-1.4 fake" > "$outdir/$(basename "$last" .docx).pdf"'
CONVERT_NOW = CONVERT.format(sleep=0)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the messages matched below
        yield


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """Install a stand-in `soffice` (body: what it does) first on PATH; returns its log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "soffice.log"

    def install(body=CONVERT_NOW):
        script = bin_dir / "soffice"
        script.write_text(FAKE.format(log=log, body=body))
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        return log

    return install


def runs(log: Path) -> list[tuple[str, float, float]]:
    """(profile, start, end) of each run, from the stand-in's log."""
    started, out = {}, []
    for line in log.read_text().splitlines():
        what, profile, when = line.split()
        if what == "start":
            started.setdefault(profile, []).append(float(when))
        else:
            out.append((profile, started[profile].pop(0), float(when)))
    return sorted(out, key=lambda r: r[1])


def test_the_profile_is_kept_under_the_data_directory_and_reused(fake_soffice, settings):
    log = fake_soffice()
    assert pdf.docx_to_pdf(b"docx") == b"%PDF-1.4 fake"
    assert pdf.docx_to_pdf(b"docx") == b"%PDF-1.4 fake"
    profiles = [r[0] for r in runs(log)]
    expected = str(Path(settings.DATA_DIR) / "libreoffice" / "profile-0")
    assert profiles == [expected, expected]
    assert (Path(expected) / "user").is_dir()  # set up once, there for the next conversion


def test_conversions_on_one_profile_do_not_overlap(fake_soffice, monkeypatch):
    monkeypatch.setattr(pdf, "POOL_SIZE", 1)
    log = fake_soffice(CONVERT.format(sleep=0.4))
    results, errors = [], []

    def convert():
        try:
            results.append(pdf.docx_to_pdf(b"docx"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=convert) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and results == [b"%PDF-1.4 fake"] * 3
    done = runs(log)
    assert len(done) == 3 and len({r[0] for r in done}) == 1
    for earlier, later in zip(done, done[1:], strict=False):
        assert earlier[2] <= later[1]  # the next one started after the previous one ended


def test_a_busy_profile_is_left_to_its_conversion(fake_soffice, settings, monkeypatch):
    monkeypatch.setattr(pdf, "POOL_SIZE", 2)
    log = fake_soffice()
    root = Path(settings.DATA_DIR) / "libreoffice"
    root.mkdir(parents=True)
    with open(root / "profile-0.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another conversion is using profile 0
        assert pdf.docx_to_pdf(b"docx") == b"%PDF-1.4 fake"
    assert [r[0] for r in runs(log)] == [str(root / "profile-1")]


def test_waiting_too_long_for_a_profile(fake_soffice, settings, monkeypatch):
    fake_soffice()
    monkeypatch.setattr(pdf, "POOL_SIZE", 1)
    root = Path(settings.DATA_DIR) / "libreoffice"
    root.mkdir(parents=True)
    with open(root / "profile-0.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(ValidationError, match="took too long"):
            pdf.docx_to_pdf(b"docx", timeout=0.3)


def test_a_conversion_that_runs_too_long_is_ended_with_its_children(fake_soffice, tmp_path):
    child = tmp_path / "child.pid"
    # The launcher starts a child (as soffice starts soffice.bin) and both hang.
    fake_soffice(f'sleep 60 & echo $! > "{child}"; wait')
    started = time.monotonic()
    with pytest.raises(ValidationError, match="took too long"):
        pdf.docx_to_pdf(b"docx", timeout=1)
    assert time.monotonic() - started < 30
    pid = int(child.read_text())
    for _ in range(50):  # the killed child is reaped by init shortly after
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("LibreOffice's child process survived the timeout")
    assert not (Path(pdf.profiles_dir()) / "profile-0").exists()  # set up afresh next time


def test_a_failed_conversion_is_a_clear_error_and_resets_the_profile(fake_soffice):
    fake_soffice("exit 1")
    with pytest.raises(ValidationError, match="could not convert the document"):
        pdf.docx_to_pdf(b"not a docx")
    assert not (pdf.profiles_dir() / "profile-0").exists()


def test_without_libreoffice(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ValidationError, match="needs LibreOffice"):
        pdf.docx_to_pdf(b"docx")


def test_a_data_directory_that_cannot_hold_profiles(fake_soffice, settings, tmp_path):
    log = fake_soffice()
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    settings.DATA_DIR = blocked  # DATA_DIR/libreoffice cannot be created
    assert pdf.docx_to_pdf(b"docx") == b"%PDF-1.4 fake"
    (profile,) = [r[0] for r in runs(log)]
    assert not profile.startswith(str(blocked)) and not Path(profile).exists()  # temporary


@pytest.mark.skipif(not pdf.soffice(), reason="LibreOffice is installed by ./run and .ci/run")
def test_libreoffice_reuses_its_profile(settings):
    from dientap.documents.output import Letterhead, compose_docx

    data = compose_docx(Letterhead("state", "UBND", "01/BC", 2024, title="Thử"), ["Một."],
                        recipients=[])
    first = pdf.docx_to_pdf(data)
    profile = pdf.profiles_dir() / "profile-0"
    assert first.startswith(b"%PDF-") and (profile / "user").is_dir()
    marker = profile / "kept"
    marker.write_text("")
    assert pdf.docx_to_pdf(data).startswith(b"%PDF-")
    assert marker.exists()  # the same profile, not a new one
    shutil.rmtree(pdf.profiles_dir())
