from django import template
from django.core.exceptions import DisallowedHost
from django.utils.http import urlencode

register = template.Library()

# Query parameters that choose what a page shows; any other (tracking tags, typos) is dropped.
CANONICAL_PARAMETERS = ("q", "page")


@register.simple_tag(takes_context=True)
def absolute_url(context, location):
    """The absolute URL of a path on this site; an already absolute URL comes back unchanged.

    Every absolute link a page prints (og:url, og:image, robots.txt) is built here. The host is
    SITE_DOMAIN when it is set (SiteDomainMiddleware), as in feeds, the sitemap and reset links.
    """
    return context["request"].build_absolute_uri(location)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's one URL: its path with the parameters that choose its content; '' without a
    request (pages that render when the database is down) or a host to trust (the 400 page)."""
    request = context.get("request")
    if request is None:
        return ""
    query = {
        name: value
        for name in CANONICAL_PARAMETERS
        if (value := request.GET.get(name)) and (name, value) != ("page", "1")
    }
    location = f"{request.path}?{urlencode(query)}" if query else request.path
    try:
        return request.build_absolute_uri(location)
    except DisallowedHost:
        return ""
