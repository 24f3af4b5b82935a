"""What helps a reader move around: the category menu, the month archive, related and adjacent
posts. The menu and the month list are kept in the shared cache until the next write."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from blog import cache as cache_keys
from blog.models import Category, Post
from cblog.page_cache import shared_until_changed
from users.models import User, authors

RELATED_POSTS = 3


def menu_categories() -> list[Category]:
    """Categories with a public post, by name: one query on the small categories table, each
    answered from the post_category_order index, shared by every page until the next write."""

    def read():
        public = Post.objects.published().filter(category=OuterRef("pk"))
        return list(Category.objects.filter(Exists(public)).only("name", "slug"))

    return shared_until_changed(cache_keys.category_menu(), read)


def public_author_or_404(username: str) -> User:
    """An author of a published post, with their profile. Nobody else has a page or a feed, so
    that neither confirms that an account exists (superusers included)."""
    # A scalar subquery: MariaDB turns EXISTS into a semi-join that lists the author of every
    # public post first; this reads one entry of the post_author_order index.
    public_post = Post.objects.published().filter(author=OuterRef("pk")).order_by().values("pk")
    published_authors = authors().alias(public_post=Subquery(public_post[:1]))
    return get_object_or_404(
        published_authors.filter(public_post__isnull=False), **{User.USERNAME_FIELD: username}
    )


def archive_months() -> list[dict]:
    """[{"month": date, "total": n}] for every month with a public post, newest first."""

    def read():
        months = (
            Post.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .order_by()
            .values("month")
            .annotate(total=Count("pk"))
            .order_by("-month")
        )
        return [{"month": row["month"].date(), "total": row["total"]} for row in months]

    return shared_until_changed(cache_keys.archive_months(), read)


def related_posts(post: Post) -> list[Post]:
    """Up to RELATED_POSTS other public posts of the same category, newest first."""
    if not post.category_id:
        return []
    others = Post.objects.published().exclude(pk=post.pk).only("title", "slug", "published_at")
    return list(others.filter(category_id=post.category_id)[:RELATED_POSTS])


def adjacent_posts(post: Post) -> tuple[Post | None, Post | None]:
    """The public posts published just before and just after this one, in the lists' order
    (publication time, then creation time), so that each is read off the post_published_order
    index in its own order: no sort of every older or newer post."""
    if not post.is_published:
        return None, None
    posts = Post.objects.published().only("title", "slug", "published_at")
    when, created = post.published_at, post.created_at
    same_time = Q(published_at=when, created_at=created)
    older = (
        Q(published_at__lt=when)
        | Q(published_at=when, created_at__lt=created)
        | (same_time & Q(pk__gt=post.pk))  # an index lists equal keys by id
    )
    newer = (
        Q(published_at__gt=when)
        | Q(published_at=when, created_at__gt=created)
        | (same_time & Q(pk__lt=post.pk))
    )
    return (
        posts.filter(older).order_by("-published_at", "-created_at").first(),
        posts.filter(newer).order_by("published_at", "created_at").first(),
    )
