import os
from contextlib import suppress
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver

TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}


def warm_up():
    """Imports every view and compiles every template now, as a worker loads the app, rather
    than on its first requests: a cold worker took 300 ms over its first page, while the other
    connections it had accepted waited."""
    get_resolver().reverse_dict  # noqa: B018 (imports the views and maps their names)
    engine = engines["django"].engine
    for folder in map(Path, [*engine.dirs, *get_app_template_dirs("templates")]):
        for path in folder.rglob("*"):
            if path.suffix in TEMPLATE_SUFFIXES:
                # A page that uses a broken template shows its error, as without warming up.
                with suppress(TemplateDoesNotExist, TemplateSyntaxError):
                    engine.get_template(path.relative_to(folder).as_posix())


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cblog.settings")
application = get_wsgi_application()
warm_up()
