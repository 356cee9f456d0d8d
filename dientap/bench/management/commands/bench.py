"""`dientap manage bench [--size small|national] [--out bench.json] [--quick]`."""

import sys

from django.core.management.base import BaseCommand, CommandError

from dientap.bench import dbswitch, harness


class Command(BaseCommand):
    help = ("Measure dientap on the benchmark dataset of this database (see "
            "docs/performance.md): pages against the floor, SQL queries per page, live "
            "fan-out with one and two server processes, report, import and search.")

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "national", "tiny", "medium"],
                            default="small", help="the size the dataset was generated with")
        parser.add_argument("--out", default="bench.json", help="JSON file of the figures")
        parser.add_argument("--quick", action="store_true",
                            help="fewer requests, 50 consoles, 10 situations (CI)")
        parser.add_argument("--consoles", type=int, default=None,
                            help="connected consoles for the fan-out (default 1000, quick 50)")
        parser.add_argument("--compare", default="",
                            help="an earlier bench JSON (other size) to compare query counts")
        parser.add_argument("--import-raise-cap", action="store_true",
                            help="also import the 5,000 rows with the import's row cap raised")
        parser.add_argument("--only", default="",
                            help="measure only these figures, e.g. 'c' or 'a,b' (default all)")
        parser.add_argument("--database-url", default="",
                            help="database holding the dataset (default: DATABASE_URL)")

    def handle(self, *args, **options):
        if options["database_url"]:
            argv = dbswitch.strip_option(sys.argv[sys.argv.index("bench"):], "--database-url")
            code = dbswitch.rerun_with_database(options["database_url"], argv)
            if code:
                raise CommandError(f"bench failed (exit code {code})")
            return
        bench = harness.Bench(size=options["size"], quick=options["quick"], out=options["out"],
                              compare=options["compare"], consoles=options["consoles"],
                              only=options["only"],
                              raise_cap=options["import_raise_cap"],
                              log=lambda line: self.stderr.write(line))
        try:
            result = bench.run()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(harness.table(result))
        self.stdout.write(f"\nfigures written to {options['out']}")
