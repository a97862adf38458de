"""Development: no configuration needed. Login codes and e-mails print in the terminal."""

from __future__ import annotations

from booster.settings.base import *  # noqa: F403
from booster.settings.base import VAR_DIR
from booster.settings.env import (
    encryption_keys_from_file,
    env_bool,
    env_list,
    env_str,
    secret_key_from_file,
)

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY") or secret_key_from_file(VAR_DIR / "secret_key")
BOOSTER_ENCRYPTION_KEYS = env_list("BOOSTER_ENCRYPTION_KEYS") or encryption_keys_from_file(
    VAR_DIR / "encryption_keys"
)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
INTERNAL_IPS = ["127.0.0.1"]

# Serve static files straight from the source tree, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
