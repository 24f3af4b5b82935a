from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from cblog.layout import rendered_once

register = template.Library()

HEADER_TEMPLATE = "includes/header.html"
# Where a page kept for every signed-in reader takes each reader's own header (blog.views).
HEADER_SLOT = mark_safe("<!-- the reader's header -->")


@register.simple_tag(takes_context=True)
def header(context):
    """The top bar. A signed-in reader's carries their name and their CSRF token, so it is drawn
    for each request; anyone else's is the same for every search shown in its box."""
    if context.get("header_slot"):
        return HEADER_SLOT
    user = context.get("user")
    if user is not None and user.is_authenticated:
        return get_template(HEADER_TEMPLATE).template.render(context)
    return rendered_once(
        HEADER_TEMPLATE, SITE_NAME=settings.SITE_NAME, query=context.get("query", "")
    )


def with_reader_header(page: str, request, query: str) -> str:
    """A page rendered with the header slot, with this request's reader's header in it."""
    return page.replace(
        HEADER_SLOT, get_template(HEADER_TEMPLATE).render({"query": query}, request), 1
    )


@register.simple_tag
def footer():
    return rendered_once(
        "includes/footer.html", SITE_NAME=settings.SITE_NAME, year=timezone.localdate().year
    )
