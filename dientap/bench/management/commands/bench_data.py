"""`dientap manage bench_data --size national|small [--seed N] [--database-url URL]`."""

import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dientap.bench import dbswitch, generator


class Command(BaseCommand):
    help = ("Generate the benchmark dataset (deterministic from the seed) into an empty "
            "database: 34 provincial and 300 commune exercises (national) or a small one.")

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(generator.SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database-url", default="",
                            help="database to fill (default: DATABASE_URL)")

    def handle(self, *args, **options):
        if options["database_url"]:
            argv = dbswitch.strip_option(sys.argv[sys.argv.index("bench_data"):],
                                         "--database-url")
            code = dbswitch.rerun_with_database(options["database_url"], argv)
            if code:
                raise CommandError(f"bench_data failed (exit code {code})")
            return
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        try:
            generator.generate(options["size"], options["seed"], progress_stream=sys.stderr)
        except generator.GenerationError as exc:
            raise CommandError(str(exc)) from exc
        generator.analyze()
        counts = generator.row_counts()
        self.stdout.write(f"bench dataset '{options['size']}' (seed {options['seed']}) "
                          f"generated in {time.monotonic() - started:.1f} s")
        for name, n in counts.items():
            self.stdout.write(f"  {name:<18} {n:>9}")
