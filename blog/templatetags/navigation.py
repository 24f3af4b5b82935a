from math import ceil

from django import template

from blog.navigation import menu_categories
from cblog.markdown import plain_text

register = template.Library()

WORDS_PER_MINUTE = 230


@register.inclusion_tag("includes/category_menu.html", takes_context=True)
def category_menu(context):
    return {"categories": menu_categories(), "request": context.get("request")}


@register.filter
def reading_minutes(html: str) -> int:
    return max(1, ceil(len(plain_text(html).split()) / WORDS_PER_MINUTE))
