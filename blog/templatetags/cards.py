from django import template

from blog.cards import post_cards as cards_for

register = template.Library()


@register.simple_tag
def post_cards(posts, words=()):
    """`{% post_cards page_obj words as cards %}`: each card's post and its cached body
    (blog/cards.py); with search words, marked and not cached."""
    return cards_for(posts, words or ())
