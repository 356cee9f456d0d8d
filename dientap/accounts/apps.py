from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dientap.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import security

        user_logged_in.connect(security.on_user_logged_in,
                               dispatch_uid="dientap.accounts.session_started")
