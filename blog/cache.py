"""Cache keys: every key the blog stores is built here."""


def post_viewed(post_id: int, visitor: str) -> str:
    return f"post-viewed:{post_id}:{visitor}"


def post_card(digest: str) -> str:
    return f"post-card:{digest}"


def archive_months(version: int) -> str:
    return f"archive-months:{version}"
