"""Parts of the layout drawn once per process for what they show: the menu, the footer, and the
header of each reader (a signed-in one's with their CSRF token put in on every request)."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe


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
