"""Parts of the layout that show every reader the same thing, rendered once per process."""

from functools import lru_cache

from django.conf import settings
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString


def rendered_once(template_name: str, **inputs) -> SafeString:
    """The template rendered with `inputs` alone, once per process for each set of them.

    It sees neither the request nor the user, so nothing but its inputs can change what it
    shows, and no reader is shown another's. Its links follow the URLconf and script prefix, as
    {% route %}'s do; an edited template (the development server reloads them) is a new one.
    """
    template = get_template(template_name).template  # the loader's, kept while it lives
    return render(
        template, tuple(inputs.items()), get_urlconf(settings.ROOT_URLCONF), get_script_prefix()
    )


# Bounded: the script prefix is a request's (see cblog.templatetags.routes).
@lru_cache(maxsize=256)
def render(template: Template, inputs: tuple, urlconf: str, prefix: str) -> SafeString:
    return template.render(Context(dict(inputs), autoescape=template.engine.autoescape))
