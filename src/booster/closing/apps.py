from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosingConfig(AppConfig):
    name = "booster.closing"
    label = "closing"
    verbose_name = _("Closing the programme")
