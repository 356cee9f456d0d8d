from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "dientap.exercises"
    label = "exercises"
    verbose_name = _("Exercises")

    def ready(self):
        from . import access

        access.connect_signals()
