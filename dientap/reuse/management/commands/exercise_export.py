from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dientap.exercises.models import Exercise
from dientap.reuse.exporting import dumps, exercise_export


class Command(BaseCommand):
    help = "Export an exercise (by code name) to one versioned JSON file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="code name of the exercise, e.g. TQ-23")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--no-people", action="store_true",
                            help="leave out people (committee members, who plays which role)")
        parser.add_argument("--results", action="store_true",
                            help="include results (attendance, handling, observations …)")
        parser.add_argument("--user", help="export as this user (only what they may see); "
                                           "default: everything")

    def handle(self, *args, code, output=None, no_people=False, results=False, user=None,
               **options):
        exercise = Exercise.objects.select_related("area", "area__level").filter(
            code_name=code).first()
        if exercise is None:
            raise CommandError(f"no exercise with the code name {code!r}")
        acting = None
        if user:
            acting = get_user_model().objects.filter(username=user).first()
            if acting is None:
                raise CommandError(f"no user {user!r}")
            if not Exercise.objects.restrict(acting, exercise=exercise.pk).exists():
                raise CommandError(f"{user} may not see {code}")
        text = dumps(exercise_export(exercise, acting, people=not no_people, results=results))
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"{code} exported to {output}")
        else:
            self.stdout.write(text, ending="")
