from django import template
from django.conf import settings
from django.utils import timezone

from cblog.layout import HEADER_SLOT, HEADER_TEMPLATE, reader_header, rendered_once

register = template.Library()


@register.simple_tag(takes_context=True)
def header(context):
    """The top bar, the same for every reader who is shown the same search and, when signed in,
    the same name and links: drawn once for each, with a signed-in reader's CSRF token put in
    on every request."""
    if context.get("header_slot"):
        return HEADER_SLOT
    user = context.get("user")
    if user is not None and user.is_authenticated:
        return reader_header(context.request, context.get("query", ""))
    return rendered_once(
        HEADER_TEMPLATE, SITE_NAME=settings.SITE_NAME, query=context.get("query", "")
    )


@register.simple_tag
def footer():
    return rendered_once(
        "includes/footer.html", SITE_NAME=settings.SITE_NAME, year=timezone.localdate().year
    )
