from django import template

from blog.cards import post_cards as cards_for

register = template.Library()


@register.simple_tag
def post_cards(posts, words=(), list_key=None):
    """`{% post_cards page_obj words list_key as cards %}`: each card's cached body and its counts
    (blog/cards.py); with search words, marked and not cached."""
    return cards_for(posts, words or (), list_key=list_key)
