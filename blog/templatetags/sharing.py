import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from blog import sharing
from cblog.images.public import public_url

register = template.Library()

# As django.utils.html.json_script: the JSON can never close the <script> element it sits in.
SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.simple_tag(takes_context=True)
def image_public_url(context, file):
    return context["request"].build_absolute_uri(public_url(file))


@register.simple_tag
def image_alt(post):
    return sharing.image_alt(post)


@register.simple_tag(takes_context=True)
def post_json_ld(context, post):
    """The post's BlogPosting as JSON-LD: a data block that browsers never run, so the CSP
    (no inline script) holds."""
    data = sharing.blog_posting(post, context["request"].build_absolute_uri)
    text = json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE)
    safe = mark_safe(text)  # noqa: S308 - no <, > or & is left to close the element
    return format_html('<script type="application/ld+json">{}</script>', safe)
