from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "booster.core"
    label = "core"
    verbose_name = "Booster"
