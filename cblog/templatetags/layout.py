from dataclasses import dataclass

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cblog.layout import rendered_once

register = template.Library()

HEADER_TEMPLATE = "includes/header.html"
# Where a page kept for every signed-in reader takes each reader's own header (blog.views).
HEADER_SLOT = mark_safe("<!-- the reader's header -->")
# Where a header drawn once takes the request's CSRF token: no name or search escaped can hold it.
TOKEN_SLOT = mark_safe("<!-- the reader's CSRF token -->")


@dataclass(frozen=True)
class Reader:
    """All that the header shows of a signed-in user, so that it can be drawn once for them."""

    display_name: str
    is_staff: bool
    is_authenticated = True


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


def reader_header(request, query: str) -> SafeString:
    """The header of this request's signed-in reader."""
    user = Reader(request.user.display_name, request.user.is_staff)
    drawn = rendered_once(
        HEADER_TEMPLATE, SITE_NAME=settings.SITE_NAME, query=query, user=user, csrf_token=TOKEN_SLOT
    )
    return mark_safe(drawn.replace(TOKEN_SLOT, get_token(request), 1))  # noqa: S308 (a token)


def with_reader_header(page: str, request, query: str) -> str:
    """A page rendered with the header slot, with this request's reader's header in it."""
    return page.replace(HEADER_SLOT, reader_header(request, query), 1)


@register.simple_tag
def footer():
    return rendered_once(
        "includes/footer.html", SITE_NAME=settings.SITE_NAME, year=timezone.localdate().year
    )
