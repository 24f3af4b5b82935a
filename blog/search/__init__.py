"""Full-text search over published posts, behind one interface.

`post_search(queryset, search_words(text))` returns the posts of `queryset` that hold every word
of `text` (a word also matches as the start of a longer one), best first: posts whose title holds
every word, then by relevance, then newest. The database's own full-text index does the work: InnoDB
FULLTEXT on MySQL and MariaDB, an FTS5 table on SQLite (blog.search.schema).

The cost does not grow with the number of posts or matches; at most MAX_RESULTS are ranked:
- The NEWEST newest posts are checked for the words first. When more than MAX_RESULTS of them
  match, the words are too common for relevance to say much: MAX_RESULTS of those are the
  results, title matches first, then newest, and the count says "at least". The index is not
  read at all, since reading it for a word in every post costs a read of every post.
- Otherwise up to MAX_RESULTS + 1 matches are read off the index, in its own order, and ranked.
  When there are more, the newest matches join them and the results rank as above.
"""

from dataclasses import replace
from functools import cached_property, reduce
from operator import and_

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q

from blog.search import mysql, sqlite
from blog.search.hit import Hit
from blog.search.terms import holds_every_term, search_terms

BACKENDS = {"mysql": mysql, "sqlite": sqlite}
MAX_RESULTS = 500
NEWEST = 2000


class SearchResults:
    """The ranked posts as a sequence the paginator reads: the candidates in one or two queries,
    then the posts of the page shown in one."""

    def __init__(self, queryset, words: list[str]):
        self.queryset = queryset
        self.model = queryset.model
        self.words = words

    @cached_property
    def hits(self) -> list[Hit]:
        if not self.words:
            return []
        backend = BACKENDS[connection.vendor]
        newest = self.newest_hits(backend)
        if len(newest) > MAX_RESULTS:
            return self.ranked(newest)
        hits = [
            Hit(pk, holds_every_term(title, self.words), score, published_at)
            for pk, title, score, published_at in backend.candidates(
                self.queryset, self.words, MAX_RESULTS + 1
            )
        ]
        if len(hits) > MAX_RESULTS:
            merged = {hit.pk: replace(hit, score=0.0) for hit in hits}
            for hit in newest:
                merged.setdefault(hit.pk, hit)
            hits = list(merged.values())
        return self.ranked(hits)

    def newest_hits(self, backend) -> list[Hit]:
        """Up to MAX_RESULTS + 1 of the NEWEST newest posts holding every word, those whose title
        holds them first, then newest; unscored."""
        newest = self.queryset.among(
            self.queryset.order_by("-published_at", "-created_at")[:NEWEST]
        )
        title_holds = reduce(and_, (Q(title__iregex=rf"\b{word}") for word in self.words))
        holding = (
            backend.holding(newest, self.words)
            .alias(title_holds=ExpressionWrapper(title_holds, output_field=BooleanField()))
            .order_by("-title_holds", "-published_at", "-created_at")
        )
        return [
            Hit(pk, holds_every_term(title, self.words), 0.0, published_at)
            for pk, title, published_at in holding.values_list("pk", "title", "published_at")[
                : MAX_RESULTS + 1
            ]
        ]

    @staticmethod
    def ranked(hits: list[Hit]) -> list[Hit]:
        return sorted(hits, key=lambda hit: hit.rank, reverse=True)

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
