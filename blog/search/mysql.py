"""InnoDB FULLTEXT search (MySQL 8.4 in production, MariaDB in tests).

A FULLTEXT index on title and content finds and scores posts (blog.search.schema). Boolean mode
with `+word*`: every word must occur, as a word or the start of one.

Reading the index is cheap; reading a matching row is not, so the query neither sorts the matches
nor counts them (a word in every post would read every post): the rows come in the index's own
order and the LIMIT ends the read. A few posts already chosen are checked with REGEXP instead,
since any MATCH reads the whole index for its words.
"""

from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL

from blog.models import Post

# InnoDB ignores words shorter than innodb_ft_min_token_size (3 by default, and on RDS) and its
# default stopwords; a required word that is never indexed would make every search empty.
MIN_LENGTH = 3
STOPWORDS = frozenset({
    "a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from", "how",
    "i", "in", "is", "it", "la", "of", "on", "or", "that", "the", "this", "to", "was", "what",
    "when", "where", "who", "will", "with", "und", "www",
})  # fmt: skip


def usable_terms(terms: list[str]) -> list[str]:
    return [term for term in terms if len(term) >= MIN_LENGTH and term not in STOPWORDS]


def match(columns: str, terms: list[str]):
    table = Post._meta.db_table
    columns = ", ".join(f"`{table}`.`{column}`" for column in columns.split())
    against = " ".join(f"+{term}*" for term in terms)
    return RawSQL(
        f"MATCH({columns}) AGAINST (%s IN BOOLEAN MODE)", [against], output_field=FloatField()
    )


def candidates(queryset, terms: list[str], limit: int, *, indexed: list[str], titles=False):
    """(pk, title, score, published_at) of up to `limit` posts holding every term (in their title,
    with `titles`), in no order. Only the `indexed` terms are looked up in the FULLTEXT index, whose
    cost grows with the posts holding them; the rows it lists are checked for the others."""
    for term in terms:
        if term not in indexed:
            queryset = queryset.filter(title_holds(term) if titles else holds(term))
    # `score > 0` reads the FULLTEXT index (EXPLAIN: type fulltext).
    return (
        queryset.annotate(score=match("title" if titles else "title content", indexed))
        .filter(score__gt=0)
        .order_by()
        .values_list("pk", "title", "score", "published_at")[:limit]
    )


def title_holds(term: str) -> Q:
    return Q(title__iregex=rf"\b{term}")  # letters and digits only (blog.search.terms)


def holds(term: str) -> Q:
    """Whether a post holds the term, checked on its row without reading the index."""
    return title_holds(term) | Q(content__iregex=rf"\b{term}")


def holding(queryset, terms: list[str]):
    """The posts of a small `queryset` holding every word, without reading the index."""
    for term in terms:
        queryset = queryset.filter(holds(term))
    return queryset
