"""Post cards, rendered once for what they show and shared by every list and every reader.

A card's HTML is kept in the cache under a digest of everything it shows (title, slug, excerpt,
status, date, whether it is public yet, picture, author's, category's and tags' names) and of the template and media settings
that draw it. An edit or a renamed author makes a new key, so no write has to invalidate a card
and no instance can serve a stale one; unused ones expire. The like, comment and view counts
change on every read and write, so they are written outside the cached body. Nothing in a card
depends on who reads it.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.defaultfilters import pluralize
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from blog import cache as keys
from blog.models import Post
from cblog.page_cache import shared_until_changed

BODY_TEMPLATE = "includes/post_card_body.html"
ROW_TEMPLATE = "includes/post_cards.html"
# What a card shows beside its cached body, always read fresh: each count and what it counts.
COUNTS = {"like_count": "like", "comment_count": "comment", "view_count": "view"}
PICTURE_TEMPLATE = "includes/picture.html"
TAGS_TEMPLATE = "includes/tag_chips.html"


@dataclass(frozen=True)
class Card:
    html: SafeString
    counts: str


def counts_line(post: Post) -> str:
    """“3 likes · 1 comment · 20 views”: written here, as nine template variables and filters a
    card cost a sixth of a list page's rendering."""
    counts = ((getattr(post, field), noun) for field, noun in COUNTS.items())
    return " · ".join(f"{count} {noun}{pluralize(count)}" for count, noun in counts)


def drawing_version() -> str:
    """Changes with the card template and the media URLs, so a deploy never serves old cards."""
    sources = [
        get_template(name).template.source
        for name in (BODY_TEMPLATE, PICTURE_TEMPLATE, TAGS_TEMPLATE)
    ]
    return repr((sources, settings.STORAGES["default"], settings.MEDIA_URL))


def shown(post: Post) -> tuple:
    """Everything the card body shows, and nothing else."""
    return (
        post.pk,
        post.slug,
        post.title,
        post.excerpt,
        post.status,
        post.published_at,
        post.is_published,  # a scheduled post's card changes when its time comes
        post.image_id,
        (post.image_alt, post.image_decorative),
        post.image.renditions if post.image_id else None,  # widths added to a stored picture
        post.author.display_name,
        (post.category.name, post.category.slug) if post.category_id else None,
        tuple((tag.name, tag.slug) for tag in post.tags.all()),  # prefetched by .cards()
    )


def digest(post: Post, version: str, eager: bool) -> str:
    content = repr((version, shown(post), eager))
    return hashlib.blake2b(content.encode(), digest_size=16).hexdigest()


def cards_row(page, words=(), list_key: str | None = None) -> SafeString:
    """The HTML of a list page's cards, each body with its counts.

    A page of a list that every reader sees alike (`list_key`) is kept whole in the shared cache
    until the next write: a read draws nothing. Likes and comments bump the content version, so
    their counts are exact on the next read; a counted view bumps nothing, so view counts are as
    of when the page was drawn, at most VIEW_COUNT_SECONDS ago.
    """
    if words or not (list_key and settings.FRAGMENT_CACHE_SECONDS):
        return draw_row(post_cards(page, words))
    return shared_until_changed(
        keys.list_page(list_key, page.number),
        lambda: draw_row(post_cards(page)),
        seconds=settings.VIEW_COUNT_SECONDS,
    )


def draw_row(cards: list[Card]) -> SafeString:
    """The cards in their columns; nothing at all for none, so that a list can say it is empty."""
    return get_template(ROW_TEMPLATE).render({"cards": cards}) if cards else SafeString()


def post_cards(posts, words=()) -> list[Card]:
    """Cards for these posts (loaded with .cards()): one cache read, rendering only the misses.

    Search results, marked for the words searched, are drawn afresh and never shared.
    """
    if words:
        body = get_template(BODY_TEMPLATE)
        return [
            Card(
                body.render({"post": post, "words": words, "eager": index == 0}), counts_line(post)
            )
            for index, post in enumerate(posts)
        ]
    version = drawing_version()
    # The first card's picture is the list's largest paint: it is fetched first, never lazily.
    wanted = {
        keys.post_card(digest(post, version, eager=index == 0)): (post, index == 0)
        for index, post in enumerate(posts)
    }
    found = cache.get_many(wanted)
    missing = {key: shown for key, shown in wanted.items() if key not in found}
    if missing:
        body = get_template(BODY_TEMPLATE)
        rendered = {
            key: body.render({"post": post, "eager": eager})
            for key, (post, eager) in missing.items()
        }
        cache.set_many(rendered, settings.CARD_CACHE_SECONDS)
        found.update(rendered)
    return [
        Card(mark_safe(found[key]), counts_line(post))  # noqa: S308
        for key, (post, _) in wanted.items()
    ]
