"""Load the demo data (the TQ-23 exercise of Tuyên Quang) into an empty database."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dientap.demo import seed


class Command(BaseCommand):
    help = "Load the demo data (exercise TQ-23 and its accounts) into an empty database."

    def handle(self, *args, **options):
        if not seed.load_if_empty():
            raise CommandError(_(
                "The database already holds exercises or users; the demo is loaded only "
                "into an empty database."
            ))
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        self.stdout.write(_("Demo accounts (user / password):"))
        for account in seed.DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<12} {account.password:<16} {account.description}"
            )
