from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplayConfig(AppConfig):
    name = "dientap.replay"
    label = "replay"
    verbose_name = _("Timeline replay")
