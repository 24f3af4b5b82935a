"""SQLite FTS5 search: the blog_post_fts table mirrors each post's title and content
(kept by triggers, blog.search.schema) and ranks with bm25, a title word weighing ten body words."""

from django.db.models import BooleanField, F, FloatField
from django.db.models.expressions import RawSQL

from blog.models import Post
from blog.search.schema import SQLITE_TABLE

TITLE_WEIGHT = 10.0


def usable_terms(terms: list[str]) -> list[str]:
    return terms


def ranked(queryset, terms: list[str]):
    # Each word quoted, so that no FTS5 operator (NEAR, OR, column:) comes from the search box.
    query = " ".join(f'"{term}"*' for term in terms)
    post = f'"{Post._meta.db_table}"."id"'
    matching = f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s"
    score = (
        f"(SELECT bm25({SQLITE_TABLE}, {TITLE_WEIGHT}, 1.0) FROM {SQLITE_TABLE}"
        f" WHERE {SQLITE_TABLE} MATCH %s AND rowid = {post})"
    )
    return (
        queryset.filter(id__in=RawSQL(matching, [query]))
        .annotate(
            title_hit=RawSQL(
                f"{post} IN ({matching})", [f"{{title}} : ({query})"], output_field=BooleanField()
            ),
            # bm25 is lower for better matches.
            score=RawSQL(score, [query], output_field=FloatField()),
        )
        .order_by(F("title_hit").desc(), "score", "-published_at", "-pk")
    )
