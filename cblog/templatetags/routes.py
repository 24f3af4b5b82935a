from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


# Bounded: the script prefix is a request's, and gunicorn takes it from a trusted proxy's header.
@lru_cache(maxsize=256)
def reversed_route(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def route(name):
    """`{% url name %}` for a route without arguments, worked out once per process (and URLconf
    and script prefix): the layout links a dozen of them on every page."""
    return reversed_route(name, get_urlconf(settings.ROOT_URLCONF), get_script_prefix())
