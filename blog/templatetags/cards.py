from django import template

from blog.cards import cards_row

register = template.Library()


@register.simple_tag
def post_cards(page, words=(), list_key=None):
    """`{% post_cards page_obj words list_key as cards %}`: the page's cards (blog/cards.py),
    kept whole for a list every reader sees alike; with search words, marked and not kept."""
    return cards_row(page, words or (), list_key=list_key)
