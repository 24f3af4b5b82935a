from django import template

from blog.search.highlight import marked, snippet
from cblog.markdown import plain_text

register = template.Library()


@register.simple_tag
def highlighted(text, words):
    return marked(text, words)


@register.simple_tag
def search_snippet(post, words):
    html = post.body_start
    if html.rfind("<") > html.rfind(">"):
        html = html[: html.rfind("<")]  # a tag the cut split in two
    return snippet(plain_text(html), words)
