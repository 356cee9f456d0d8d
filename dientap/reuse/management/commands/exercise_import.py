import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from dientap.organizations.models import Area
from dientap.reuse import library, services


class Command(BaseCommand):
    help = ("Create a new exercise from an exported JSON file (or a shipped template with "
            "--template). Bodies are matched by name in the area; unmatched ones are refused "
            "unless --create-bodies.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the exported .json file")
        parser.add_argument("--template", help="a shipped template instead of a file: "
                            + ", ".join(t.slug for t in library.templates()))
        parser.add_argument("--code", required=True, help="code name of the new exercise")
        parser.add_argument("--start", required=True, help="start date, YYYY-MM-DD")
        parser.add_argument("--area", required=True, help="area: its code or its name")
        parser.add_argument("--name", help="name of the new exercise (default: from the file)")
        parser.add_argument("--create-bodies", action="store_true",
                            help="create the bodies that have no match in the area")
        parser.add_argument("--user", help="act as this user (default: system)")

    def handle(self, *args, file=None, template=None, code, start, area, name=None,
               create_bodies=False, user=None, **options):
        if bool(file) == bool(template):
            raise CommandError("give either a file or --template")
        try:
            start_date = dt.date.fromisoformat(start)
        except ValueError as exc:
            raise CommandError(f"--start: {exc}") from exc
        target = Area.objects.filter(code=area).first() or Area.objects.filter(
            name=area).first()
        if target is None:
            raise CommandError(f"no area {area!r}")
        acting = None
        if user:
            acting = get_user_model().objects.filter(username=user).first()
            if acting is None:
                raise CommandError(f"no user {user!r}")
        try:
            if template:
                data = library.load(template)
            else:
                with open(file, "rb") as fh:
                    data = services.parse(fh.read(services.MAX_FILE_BYTES + 1))
        except KeyError as exc:
            raise CommandError(f"no template {template!r}") from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        mapping = {}
        if create_bodies:
            the_plan = services.plan(data, area=target)
            mapping = {row["key"]: services.NEW for row in the_plan.rows
                       if row["chosen"] is None}
        try:
            result = services.exercise_import(data, acting, code_name=code,
                                              start_date=start_date, area=target,
                                              mapping=mapping, name=name)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("nothing was created:\n" + "\n".join(
                f"  - {m}" for m in messages)) from exc
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(f"{result.exercise.code_name} created (id {result.exercise.pk})")
