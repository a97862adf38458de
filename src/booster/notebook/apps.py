from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotebookConfig(AppConfig):
    name = "booster.notebook"
    label = "notebook"
    verbose_name = _("Notebook")

    def ready(self) -> None:
        from booster.notebook import checks  # noqa: F401  (registers the key check)
