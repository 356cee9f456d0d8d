"""The isolated-network install: build the bundle (this needs the package index, or the pip
cache), then install it into a fresh virtual environment with the index switched off."""

import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

DIENTAP = str(Path(sys.executable).with_name("dientap"))

pytestmark = pytest.mark.offline_bundle


def offline_env(**extra):
    """No index, no extra wheel directories, no pip configuration: only the bundle."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "DIENTAP_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update({"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull,
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra})
    return env


def test_bundle_installs_and_runs_with_no_package_index(tmp_path):
    started = time.monotonic()
    bundle = tmp_path / "dientap-bundle.tar.gz"
    built = subprocess.run([DIENTAP, "bundle", str(bundle)], capture_output=True, text=True,
                           timeout=1800)
    if built.returncode != 0:
        pytest.fail("could not build the offline bundle (this test needs the package index or "
                    f"a warm pip cache):\n{built.stderr}")
    with tarfile.open(bundle) as tf:
        tf.extractall(tmp_path / "unpacked", filter="data")
    root = tmp_path / "unpacked" / "dientap-bundle"
    wheels = sorted(p.name for p in (root / "wheels").iterdir())
    assert any(w.startswith("dientap-") for w in wheels)
    assert any(w.lower().startswith("django-") for w in wheels)
    assert all(w.endswith(".whl") for w in wheels), wheels

    venv = tmp_path / "venv"
    installed = subprocess.run([str(root / "install.sh"), str(venv)], capture_output=True,
                               text=True, timeout=900, env=offline_env())
    assert installed.returncode == 0, installed.stderr

    data = tmp_path / "data"
    env = offline_env(DIENTAP_DATA_DIR=str(data))
    helped = subprocess.run([str(venv / "bin" / "dientap"), "--help"], capture_output=True,
                            text=True, timeout=120, env=env, cwd=tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert "backup" in helped.stdout and "restore" in helped.stdout
    # The installed package (not this checkout) runs, with its templates, static files and
    # Vietnamese catalogue.
    probe = subprocess.run(
        [str(venv / "bin" / "dientap"), "manage", "shell", "-c",
         "import dientap, django.contrib.staticfiles.finders as f; "
         "from django.utils import translation; translation.activate('vi'); "
         "print('PROBE', dientap.__file__, bool(f.find('dientap/app.css')), "
         "translation.gettext('Log in'))"],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    line = probe.stdout.split("PROBE ", 1)[1]
    assert line.startswith(str(venv)) and " True " in line
    assert not line.strip().endswith("Log in"), "translations missing from the wheel"
    print(f"offline bundle: built and installed in {time.monotonic() - started:.0f}s")
