"""Cache keys: every key the blog stores is built here."""

import hashlib


def post_viewed(post_id: int, visitor: str) -> str:
    return f"post-viewed:{post_id}:{visitor}"


def post_card(digest: str) -> str:
    return f"post-card:{digest}"


def archive_months() -> str:
    return "archive-months"


def read_next(post_id: int) -> str:
    return f"read-next:{post_id}"


def sitemap_index(root: str) -> str:
    return f"sitemap-index:{root}"  # the scheme, domain (ALLOWED_HOSTS bounds it) and prefix


def category_menu() -> str:
    return "category-menu-links"  # renamed with what it holds, so no release reads another's


def post_list(path: str, query: str) -> str:
    """A list that every reader sees alike, by its path and search words (never its page)."""
    digest = hashlib.blake2b(f"{path}?{query}".encode(), digest_size=16).hexdigest()
    return f"post-list:{digest}"


def by_slug(model: str, slug: str) -> str:
    digest = hashlib.blake2b(slug.encode(), digest_size=16).hexdigest()  # any length, any letters
    return f"{model}:{digest}"


def list_count(list_key: str) -> str:
    return f"{list_key}:count"


def list_page(list_key: str, number: int) -> str:
    return f"{list_key}:row:{number}"  # renamed with what it holds, so no release reads another's
