from math import ceil

from django import template

from blog.navigation import menu_categories
from cblog.layout import rendered_once
from cblog.markdown import plain_text
from cblog.templatetags.routes import route

register = template.Library()

WORDS_PER_MINUTE = 230


@register.simple_tag(takes_context=True)
def category_menu(context):
    """The menu, marking the link to the page being read: rendered once for each such page."""
    categories = tuple(menu_categories())
    home, archive = route("blog:post-list"), route("blog:archive")
    request = context.get("request")
    path = request.path if request else None
    current = path if path in (home, archive, *(link.path for link in categories)) else None
    return rendered_once(
        "includes/category_menu.html",
        home=home,
        archive=archive,
        categories=categories,
        current=current,
    )


@register.filter
def reading_minutes(html: str) -> int:
    return max(1, ceil(len(plain_text(html).split()) / WORDS_PER_MINUTE))
