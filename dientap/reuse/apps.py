from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReuseConfig(AppConfig):
    name = "dientap.reuse"
    verbose_name = _("Reuse: export, import, templates")
