from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, location):
    """The absolute URL of a path on this site; an already absolute URL comes back unchanged.

    Every absolute link a page prints (og:url, og:image, robots.txt) is built here. The host is
    SITE_DOMAIN when it is set (SiteDomainMiddleware), as in feeds, the sitemap and reset links.
    """
    return context["request"].build_absolute_uri(location)
