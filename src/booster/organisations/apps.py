from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "booster.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from booster.organisations import signals
        from booster.organisations.nav import on_login

        user_logged_in.connect(on_login, dispatch_uid="organisations.nav.on_login")
        signals.connect()
