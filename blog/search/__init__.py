"""Full-text search over published posts, behind one interface.

`post_search(queryset, search_words(text))` returns the posts of `queryset` that hold every word
of `text` (a word also matches as the start of a longer one), best first: posts whose title holds
every word, then by relevance, then newest. The database's own full-text index does the work: InnoDB
FULLTEXT on MySQL and MariaDB, an FTS5 table on SQLite (blog.search.schema).
"""

from django.db import connection

from blog.search import mysql, sqlite
from blog.search.terms import search_terms

BACKENDS = {"mysql": mysql, "sqlite": sqlite}


def search_words(text: str) -> list[str]:
    """The words of `text` that the database's index can look for (it skips some short ones)."""
    return BACKENDS[connection.vendor].usable_terms(search_terms(text))


def post_search(queryset, words: list[str]):
    """The posts of `queryset` holding every word, ranked; none when there is no word."""
    if not words:
        return queryset.none()
    return BACKENDS[connection.vendor].ranked(queryset, words)
