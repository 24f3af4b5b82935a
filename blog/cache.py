"""Cache keys: every key the blog stores is built here."""

import hashlib


def post_viewed(post_id: int, visitor: str) -> str:
    return f"post-viewed:{post_id}:{visitor}"


def post_card(digest: str) -> str:
    return f"post-card:{digest}"


def archive_months() -> str:
    return "archive-months"


def category_menu() -> str:
    return "category-menu"


def list_count(path: str, query: str) -> str:
    """The number of posts a list shows, by its path and search words (never its page)."""
    digest = hashlib.blake2b(f"{path}?{query}".encode(), digest_size=16).hexdigest()
    return f"list-count:{digest}"
