from django.conf import settings


def site(request):
    """What the layout (templates/base.html) reads on every page, with defaults that a page's own
    context overrides: a variable missing from the context costs the template engine more than
    one that is there."""
    return {"SITE_NAME": settings.SITE_NAME, "feeds": (), "query": ""}
