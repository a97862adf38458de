from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "booster.lifecycle"
    label = "lifecycle"
    verbose_name = _("Data lifecycle")
