"""InnoDB FULLTEXT search (MySQL 8.4 in production, MariaDB in tests).

Two FULLTEXT indexes (blog.search.schema): one on the title alone, to tell title matches, and one
on title and content, to find and score posts. Boolean mode with `+word*`: every word must occur,
as a word or the start of one.
"""

from django.db.models import F, FloatField
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


def ranked(queryset, terms: list[str]):
    # `score > 0` reads the FULLTEXT index (EXPLAIN: type fulltext), as a bare MATCH would.
    return (
        queryset.annotate(
            title_hit=match("title", terms),
            score=match("title content", terms),
        )
        .filter(score__gt=0)
        .order_by(F("title_hit").desc(), F("score").desc(), "-published_at", "-pk")
    )
