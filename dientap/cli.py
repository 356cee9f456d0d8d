"""The `dientap` command: demo, serve, manage, audit verify, backup, restore, bundle."""

import argparse
import os
import sys


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _check_database() -> None:
    """Exit with one clear line when the database cannot be reached."""
    import copy

    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.utils import Error

    connection = connections[DEFAULT_DB_ALIAS]
    # One direct connection, not through the connection pool: the pool would retry (and log
    # each try) for its whole timeout before giving up.
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict.get("OPTIONS", {}).pop("pool", None)
    probe = connection.__class__(settings_dict, DEFAULT_DB_ALIAS)
    try:
        probe.ensure_connection()
    except Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        settings_db = connection.settings_dict
        where = settings_db.get("HOST") or settings_db.get("NAME")
        sys.stderr.write(f"dientap: cannot connect to the database ({where}): {reason}\n")
        sys.exit(2)
    finally:
        probe.close()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _run_server(host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(
        "config.asgi:application",
        host=host,
        port=port,
        lifespan="off",
        log_level=os.environ.get("DIENTAP_LOG_LEVEL", "info"),
        access_log=False,  # every request is logged as JSON by dientap itself (request id …)
        proxy_headers=True,
    )


def cmd_demo(args) -> int:
    data_dir = os.path.abspath(os.environ.get("DIENTAP_DATA_DIR", "var/demo"))
    os.makedirs(data_dir, exist_ok=True)
    os.environ["DIENTAP_DATA_DIR"] = data_dir
    os.environ["DIENTAP_DEMO"] = "1"
    # The demo always runs on the embedded SQLite database in its data dir.
    os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(data_dir, "demo.sqlite3")
    _setup_django()
    _check_database()
    _migrate()
    from dientap.demo import seed

    created = seed.load_if_empty()
    url = f"http://{args.host}:{args.port}/"
    print("dientap demo" + (" (demo data loaded)" if created else ""))
    print(f"  open {url}")
    print("  demo accounts (user / password):")
    for account in seed.DEMO_ACCOUNTS:
        print(f"    {account.username:<12} {account.password:<16} {account.description}")
    sys.stdout.flush()
    _run_server(args.host, args.port)
    return 0


def cmd_serve(args) -> int:
    _setup_django()
    _check_database()
    if not args.no_migrate:
        _migrate()
    _run_server(args.host, args.port)
    return 0


def cmd_audit(args) -> int:
    _setup_django()
    _check_database()
    from dientap.core.audit import verify_chain

    report = verify_chain()
    print(report.message)
    if report.ok:
        print(f"  chain head: {report.head_hash or '(empty)'}")
    return 0 if report.ok else 1


def cmd_backup(args) -> int:
    _setup_django()
    _check_database()
    from dientap.core import backup

    try:
        manifest = backup.create_backup(args.path)
    except backup.BackupError as exc:
        sys.stderr.write(f"dientap: {exc}\n")
        return 1
    rows = sum(manifest["counts"].values())
    print(f"backup written to {args.path}: {rows} rows, {len(manifest['files'])} files, "
          f"audit chain {manifest['audit_chain']['entries']} entries")
    return 0


def cmd_restore(args) -> int:
    _setup_django()
    _check_database()
    from dientap.core import backup

    try:
        summary = backup.restore_backup(args.path)
    except backup.BackupError as exc:
        sys.stderr.write(f"dientap: restore refused: {exc}\n")
        return 1
    print(summary)
    return 0


def cmd_bundle(args) -> int:
    from dientap import bundle

    try:
        path = bundle.build_bundle(args.path)
    except bundle.BundleError as exc:
        sys.stderr.write(f"dientap: {exc}\n")
        return 1
    print(f"bundle written to {path}")
    return 0


def cmd_manage(argv) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dientap manage", *argv])
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "manage":
        return cmd_manage(argv[1:])
    parser = argparse.ArgumentParser(
        prog="dientap", description="dientap: defence-zone exercises, prepared and run."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("demo", "load the demo on an embedded SQLite database and serve it"),
        ("serve", "serve dientap (configured by DATABASE_URL, REDIS_URL, DIENTAP_DATA_DIR)"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        if name == "serve":
            p.add_argument("--no-migrate", action="store_true", help="do not apply migrations")
    sub.add_parser("manage", help="run a Django management command", add_help=False)
    p = sub.add_parser("audit", help="check the audit log")
    p.add_argument("action", choices=["verify"],
                   help="verify: recompute the audit chain and report the first broken entry")
    p = sub.add_parser("backup", help="write the database and stored files to one archive")
    p.add_argument("path", help="archive to write (.tar.gz or .zip)")
    p = sub.add_parser("restore", help="restore a backup archive into an empty installation")
    p.add_argument("path", help="archive made by `dientap backup`")
    p = sub.add_parser("bundle", help="(connected machine, source checkout) build the "
                                      "isolated-network install bundle")
    p.add_argument("path", help="bundle to write (.tar.gz)")
    args = parser.parse_args(argv)
    return {"demo": cmd_demo, "serve": cmd_serve, "audit": cmd_audit, "backup": cmd_backup,
            "restore": cmd_restore, "bundle": cmd_bundle}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
