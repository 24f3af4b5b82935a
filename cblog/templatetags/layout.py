from django import template
from django.conf import settings
from django.utils import timezone

from cblog.layout import rendered_once

register = template.Library()


@register.simple_tag
def footer():
    return rendered_once(
        "includes/footer.html", SITE_NAME=settings.SITE_NAME, year=timezone.localdate().year
    )
