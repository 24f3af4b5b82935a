from django import template

from blog.cards import post_cards as cards_for

register = template.Library()


@register.simple_tag
def post_cards(posts):
    """`{% post_cards page_obj as cards %}`: each card's post and its cached body (blog/cards.py)."""
    return cards_for(posts)
