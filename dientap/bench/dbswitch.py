"""`--database-url`: run the same command again with DATABASE_URL set (settings read it once)."""

import os
import subprocess
import sys


def rerun_with_database(database_url: str, argv: list[str]) -> int:
    """Run `dientap manage <argv>` in a child process against `database_url`; its exit code."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = "import sys; from dientap.cli import main; sys.exit(main())"
    return subprocess.call([sys.executable, "-c", code, "manage", *argv], env=env)  # noqa: S603


def strip_option(argv: list[str], name: str) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == name:
            skip = True
            continue
        if arg.startswith(name + "="):
            continue
        out.append(arg)
    return out
