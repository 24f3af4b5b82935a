"""Full-text search over published posts, behind one interface.

`post_search(queryset, search_words(text))` returns the posts of `queryset` that hold every word
of `text` (a word also matches as the start of a longer one), best first: posts whose title holds
every word, then by relevance, then newest. The database's own full-text index does the work: InnoDB
FULLTEXT on MySQL and MariaDB, an FTS5 table on SQLite (blog.search.schema).

The cost does not grow with the number of posts or matches; at most MAX_RESULTS are ranked. A
full-text index costs a read of every post holding a word, so no word held by more than about
INDEX_READ posts is looked up in it:
- The NEWEST newest posts are checked for the words first. When more than MAX_RESULTS of them
  match, the words are too common for relevance to say much: MAX_RESULTS of those are the
  results, title matches first, then newest, and the count says "at least".
- Otherwise SAMPLE posts spread over every id are checked word by word, which tells how many
  posts hold each word. The words held by few are looked up in the index (posts and titles
  alike), and the posts it lists are checked for the others. When it lists every match, those
  are the results, ranked by relevance. Else the results are every match found (the newest,
  the sample, up to MAX_RESULTS + 1 from the index, and as many title matches from the titles'
  index), title matches first, then newest, and the count says "at least".
"""

from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import and_

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Max, Min, Q

from blog.search import mysql, sqlite
from blog.search.hit import Hit
from blog.search.terms import holds_every_term, search_terms

BACKENDS = {"mysql": mysql, "sqlite": sqlite}
MAX_RESULTS = 500
NEWEST = 2000
SAMPLE = 500
INDEX_READ = 10_000


@dataclass
class Sample:
    """Posts spread evenly over every id, checked word by word."""

    hits: list[Hit] = field(default_factory=list)
    # Estimated posts holding each word, anywhere and in the title.
    holding: dict[str, int] = field(default_factory=dict)
    titles_holding: dict[str, int] = field(default_factory=dict)


class SearchResults:
    """The ranked posts as a sequence the paginator reads: the candidates in a few queries, then
    the posts of the page shown in one."""

    def __init__(self, queryset, words: list[str]):
        self.queryset = queryset
        self.model = queryset.model
        self.words = words
        self.complete = True  # every match is among the hits

    @cached_property
    def hits(self) -> list[Hit]:
        if not self.words:
            return []
        backend = BACKENDS[connection.vendor]
        newest = self.newest_hits(backend)
        if len(newest) > MAX_RESULTS:
            return self.ranked(newest)
        sample = self.sample(backend)
        found = {hit.pk: hit for hit in [*newest, *sample.hits]}
        rare = [word for word in self.words if sample.holding[word] <= INDEX_READ]
        read = self.read(backend, rare) if rare else []
        self.complete = bool(rare) and len(read) <= MAX_RESULTS
        if self.complete:
            return self.ranked(read)
        rare_in_titles = [word for word in self.words if sample.titles_holding[word] <= INDEX_READ]
        titles = self.read(backend, rare_in_titles, titles=True) if rare_in_titles else []
        for hit in [*titles, *read]:
            # Part of the matches, read in the index's order: their scores compare nothing.
            found.setdefault(hit.pk, Hit(hit.pk, hit.title_hit, 0.0, hit.published_at))
        return self.ranked(list(found.values()))

    def read(self, backend, indexed: list[str], titles=False) -> list[Hit]:
        """Up to MAX_RESULTS + 1 matches read off an index, which looks up the `indexed` words."""
        return [
            Hit(pk, holds_every_term(title, self.words), score, published_at)
            for pk, title, score, published_at in backend.candidates(
                self.queryset, self.words, MAX_RESULTS + 1, indexed=indexed, titles=titles
            )
        ]

    def sample(self, backend) -> Sample:
        """SAMPLE posts at ids spread evenly from the lowest to the highest: one query of
        primary-key reads, each post checked for each word on its row."""
        found = Sample(
            holding=dict.fromkeys(self.words, 0), titles_holding=dict.fromkeys(self.words, 0)
        )
        ids = self.model.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if ids["low"] is None:
            return found
        step = max(1, (ids["high"] - ids["low"] + 1) // SAMPLE)
        flags = {
            f"holds_{number}": ExpressionWrapper(backend.holds(word), output_field=BooleanField())
            for number, word in enumerate(self.words)
        }
        rows = (
            self.queryset.filter(pk__in=range(ids["low"], ids["high"] + 1, step))
            .order_by()
            .annotate(**flags)
            .values_list("pk", "title", "published_at", *flags)
        )
        for pk, title, published_at, *holds in rows:
            for word, held in zip(self.words, holds, strict=True):
                found.holding[word] += step * bool(held)
                found.titles_holding[word] += step * holds_every_term(title, [word])
            if all(holds):
                found.hits.append(Hit(pk, holds_every_term(title, self.words), 0.0, published_at))
        return found

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
        return len(self.hits) > MAX_RESULTS or not self.complete

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
