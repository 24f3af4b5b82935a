"""Django set up with the project's own settings, so that no benchmark restates them."""

import os

import django


def setup(**environment):
    """cblog/settings.py on SQLite and local media, with DEBUG on and the given variables.

    DEBUG serves static URLs without a collectstatic manifest; pages are otherwise the same.
    """
    for name in ("DB_HOST", "AWS_STORAGE_BUCKET_NAME"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cblog.settings", DJANGO_DEBUG="1", LOG_LEVEL="WARNING"
    )
    os.environ.update(environment)
    django.setup()
