from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils import timezone

from cblog.layout import rendered_once

register = template.Library()


@register.simple_tag(takes_context=True)
def header(context):
    """The top bar. A signed-in reader's carries their name and their CSRF token, so it is drawn
    for each request; anyone else's is the same for every search shown in its box."""
    user = context.get("user")
    if user is not None and user.is_authenticated:
        return get_template("includes/header.html").template.render(context)
    return rendered_once(
        "includes/header.html", SITE_NAME=settings.SITE_NAME, query=context.get("query", "")
    )


@register.simple_tag
def footer():
    return rendered_once(
        "includes/footer.html", SITE_NAME=settings.SITE_NAME, year=timezone.localdate().year
    )
