"""`dientap bundle PATH`: everything needed to install dientap on a machine with no network.

Run it from a source checkout on a connected machine of the same kind as the target (same
operating system, processor and Python 3.11: the wheels are binary). The bundle holds:

    wheels/      every locked dependency (requirements/base.lock, hashes checked) and dientap
    base.lock    the lock file, so the offline install checks the same hashes
    install.sh   python3 -m venv … && pip install --no-index --find-links wheels …
    README.txt   the two commands

The dientap wheel carries the templates, the static files and the compiled translations.
"""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

INSTALL_SH = """#!/bin/sh
# Install dientap from this bundle, with no network: ./install.sh [VENV_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${1:-dientap-venv}
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || {
    echo "dientap needs Python 3.11 (found: $("$PY" --version 2>&1))." >&2
    exit 1
}
"$PY" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index \\
    --find-links "$here/wheels" --require-hashes -r "$here/base.lock"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index \\
    --find-links "$here/wheels" --no-deps dientap
echo "dientap installed: $venv/bin/dientap (try: $venv/bin/dientap --help)"
"""

README = """dientap: offline install bundle
================================

On the machine with no network (same operating system and processor as the machine that made
this bundle, with Python 3.11 and its venv module):

    tar xzf dientap-bundle.tar.gz
    ./dientap-bundle/install.sh /opt/dientap/venv

which runs

    python3 -m venv /opt/dientap/venv
    /opt/dientap/venv/bin/pip install --no-index --find-links wheels --require-hashes -r base.lock
    /opt/dientap/venv/bin/pip install --no-index --find-links wheels --no-deps dientap

Then configure and start it as the README of dientap describes (`dientap serve`).
"""


class BundleError(Exception):
    pass


def project_root() -> Path:
    root = Path(__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file() or not (root / "requirements/base.lock").is_file():
        raise BundleError("`dientap bundle` runs from a source checkout (pyproject.toml and "
                          "requirements/base.lock not found next to the package)")
    return root


def _run(args, what: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True)  # noqa: S603 - fixed argv
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise BundleError(f"{what} failed (exit {result.returncode}):\n{tail}")


def _stage_source(root: Path, into: Path) -> Path:
    """A clean copy of the package sources, with the compiled catalogue inside dientap.core
    (an installed app: Django finds its locale/ directory without the checkout's LOCALE_PATHS)."""
    src = into / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "tests", "*.egg-info")
    for name in ("dientap", "config"):
        shutil.copytree(root / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(root / name, src / name)
    if (root / "locale").is_dir():
        shutil.copytree(root / "locale", src / "dientap" / "core" / "locale",
                        ignore=shutil.ignore_patterns("*.po~"), dirs_exist_ok=True)
    return src


def build_bundle(path) -> Path:
    path = Path(path).resolve()
    if not path.name.endswith((".tar.gz", ".tgz")):
        raise BundleError(f"the bundle name must end in .tar.gz: {path}")
    root = project_root()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    with tempfile.TemporaryDirectory(prefix="dientap-bundle-") as tmp:
        bundle = Path(tmp) / "dientap-bundle"
        wheels = bundle / "wheels"
        wheels.mkdir(parents=True)
        _run([*pip, "download", "--quiet", "--require-hashes", "--no-deps",
              "--only-binary=:all:", "-r", str(root / "requirements/base.lock"),
              "-d", str(wheels)],
             "downloading the locked dependencies (is the package index reachable?)")
        src = _stage_source(root, Path(tmp))
        _run([*pip, "wheel", "--quiet", "--no-deps", "--no-index", "--no-build-isolation",
              "-w", str(wheels), str(src)], "building the dientap wheel")
        shutil.copy2(root / "requirements/base.lock", bundle / "base.lock")
        (bundle / "install.sh").write_text(INSTALL_SH)
        os.chmod(bundle / "install.sh", 0o755)  # noqa: S103 - an installer script
        (bundle / "README.txt").write_text(README)
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w:gz") as tf:
            tf.add(bundle, "dientap-bundle")
        os.replace(partial, path)
    return path
