"""SQLite FTS5 search: the blog_post_fts table mirrors each post's title and content
(kept by triggers, blog.search.schema) and ranks with bm25, a title word weighing ten body words.
FTS5 ranks every match inside its index, so the best `limit` come straight from it."""

from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL

from blog.models import Post
from blog.search.schema import SQLITE_TABLE

TITLE_WEIGHT = 10.0


def usable_terms(terms: list[str]) -> list[str]:
    return terms


def fts_query(terms: list[str], column: str = "") -> str:
    # Each word quoted, so that no FTS5 operator (NEAR, OR, column:) comes from the search box.
    words = " ".join(f'"{term}"*' for term in terms)
    return f"{column} : ({words})" if column else words


def matching(query: str) -> RawSQL:
    return RawSQL(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s", [query])


def holds(term: str) -> Q:
    return Q(id__in=matching(fts_query([term])))


def holding(queryset, terms: list[str]):
    return queryset.filter(id__in=matching(fts_query(terms)))


def candidates(queryset, terms: list[str], limit: int, *, indexed: list[str], titles=False):
    """(pk, title, score, published_at) of the `limit` best posts holding every term (in their
    title, with `titles`). FTS5 looks every term up, whatever `indexed` says: a small blog's
    index is cheap to read whole."""
    query = fts_query(terms, "title" if titles else "")
    post = f'"{Post._meta.db_table}"."id"'
    # bm25 is lower for better matches: negated, higher is better.
    score = (
        f"(SELECT -bm25({SQLITE_TABLE}, {TITLE_WEIGHT}, 1.0) FROM {SQLITE_TABLE}"
        f" WHERE {SQLITE_TABLE} MATCH %s AND rowid = {post})"
    )
    return (
        queryset.filter(id__in=matching(query))
        .annotate(score=RawSQL(score, [query], output_field=FloatField()))
        .order_by("-score")
        .values_list("pk", "title", "score", "published_at")[:limit]
    )
