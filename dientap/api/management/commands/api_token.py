"""Make an API token for a user and print its key (shown only this once)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dientap.api import services


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print the key (it cannot be shown again)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--days", type=int, default=0,
                            help="expires after this many days (default: never)")

    def handle(self, username, name, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        expires = timezone.now() + dt.timedelta(days=days) if days > 0 else None
        _token, key = services.token_create(user, acting_user=None, name=name,
                                            expires_at=expires)
        self.stdout.write(key)
