from django.core.management.base import BaseCommand

from dientap.scenarios import ticker


class Command(BaseCommand):
    help = "Issue the situations that fall due on the running exercise clocks (every second)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="tick once and exit")
        parser.add_argument("--interval", type=float, default=ticker.TICK_SECONDS)

    def handle(self, *args, once=False, interval=ticker.TICK_SECONDS, **options):
        if once:
            issued = ticker.tick()
            self.stdout.write(f"{issued}")
            return
        ticker.run_forever(interval)
