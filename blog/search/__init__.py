"""Full-text search over published posts, behind one interface.

`post_search(queryset, search_words(text))` returns the posts of `queryset` that hold every word
of `text` (a word also matches as the start of a longer one), best first: posts whose title holds
every word, then by relevance, then newest. The database's own full-text index does the work: InnoDB
FULLTEXT on MySQL and MariaDB, an FTS5 table on SQLite (blog.search.schema).

The cost does not grow with the number of matches: a backend reads at most MAX_RESULTS + 1
matches off its index, and only those are ranked and paged. When more posts match, the word is
common enough that relevance says little: the count says "at least", the NEWEST newest posts are
checked for the words too, and results rank title matches first, then newest.
"""

from dataclasses import replace
from functools import cached_property

from django.db import connection

from blog.search import mysql, sqlite
from blog.search.hit import Hit
from blog.search.terms import holds_every_term, search_terms

BACKENDS = {"mysql": mysql, "sqlite": sqlite}
MAX_RESULTS = 1000
NEWEST = 200


class SearchResults:
    """The ranked posts as a sequence the paginator reads: the candidates in one query (two
    when more posts match than are ranked), then the posts of the page shown in one."""

    def __init__(self, queryset, words: list[str]):
        self.queryset = queryset
        self.model = queryset.model
        self.words = words

    @cached_property
    def hits(self) -> list[Hit]:
        if not self.words:
            return []
        backend = BACKENDS[connection.vendor]
        hits = [
            Hit(pk, holds_every_term(title, self.words), score, published_at)
            for pk, title, score, published_at in backend.candidates(
                self.queryset, self.words, MAX_RESULTS + 1
            )
        ]
        if len(hits) > MAX_RESULTS:
            merged = {hit.pk: replace(hit, score=0.0) for hit in hits}
            for hit in self.newest_hits():
                merged.setdefault(hit.pk, hit)
            hits = list(merged.values())
        return sorted(hits, key=lambda hit: hit.rank, reverse=True)

    def newest_hits(self) -> list[Hit]:
        """The newest posts holding every word, read off the date index, checked here."""
        newest = self.queryset.order_by("-published_at", "-created_at")
        return [
            Hit(pk, holds_every_term(title, self.words), 0.0, published_at)
            for pk, title, content, published_at in newest.values_list(
                "pk", "title", "content", "published_at"
            )[:NEWEST]
            if holds_every_term(f"{title} {content}", self.words)
        ]

    @property
    def truncated(self) -> bool:
        return len(self.hits) > MAX_RESULTS

    def count(self) -> int:
        return min(len(self.hits), MAX_RESULTS)

    __len__ = count

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = [hit.pk for hit in self.hits[:MAX_RESULTS][index]]
        posts = self.queryset.filter(pk__in=ids).order_by().in_bulk()
        return [posts[pk] for pk in ids]

    def __iter__(self):
        return iter(self[:])


def search_words(text: str) -> list[str]:
    """The words of `text` that the database's index can look for (it skips some short ones)."""
    return BACKENDS[connection.vendor].usable_terms(search_terms(text))


def post_search(queryset, words: list[str]) -> SearchResults:
    """The posts of `queryset` holding every word, ranked; none when there is no word."""
    return SearchResults(queryset, words)
