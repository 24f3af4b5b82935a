"""What helps a reader move around: the category menu, the month archive, related and adjacent
posts. They are kept in the shared cache until the next write."""

from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404

from blog import cache as cache_keys
from blog.models import Category, Post
from blog.months import public_months
from cblog.page_cache import shared_until_changed
from users.models import User, authors

RELATED_POSTS = 3


class MenuLink(NamedTuple):
    name: str
    path: str


def menu_categories() -> list[MenuLink]:
    """Categories with a public post, by name: one query on the small categories table, each
    answered from the post_category_order index, shared by every page until the next write
    with their addresses, which no page has to work out again."""

    def read():
        public = Post.objects.published().filter(category=OuterRef("pk"))
        categories = Category.objects.filter(Exists(public)).only("name", "slug")
        return [MenuLink(category.name, category.get_absolute_url()) for category in categories]

    return shared_until_changed(cache_keys.category_menu(), read)


def public_author_or_404(username: str) -> User:
    """An author of a published post, ready for their page. Nobody else has a page or a feed, so
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
    return shared_until_changed(cache_keys.archive_months(), public_months)


def read_next(post: Post) -> dict:
    """A post page's related, previous and next posts: the same for every reader of a public
    post, so shared until the next write; none for a draft or a scheduled post."""
    if not post.is_published:
        return {"related": [], "previous_post": None, "next_post": None}

    def read():
        previous_post, next_post = adjacent_posts(post)
        return {
            "related": related_posts(post),
            "previous_post": previous_post,
            "next_post": next_post,
        }

    return shared_until_changed(cache_keys.read_next(post.pk), read)


# Posts published on either side of a post among which shared tags are counted: the tag query
# reads at most twice this many rows of the publication index, whatever the number of posts.
RELATED_WINDOW = 100


def related_posts(post: Post) -> list[Post]:
    """Up to RELATED_POSTS other public posts: those sharing most tags with it among the posts
    published nearest to it (RELATED_WINDOW each side), newest first among equals; then posts
    of its category, newest first. At most three queries, whatever the number of posts."""
    tag_ids = [tag.pk for tag in post.tags.all()]  # prefetched by with_counts()
    others = Post.objects.published().exclude(pk=post.pk).only("title", "slug", "published_at")
    found = []
    if tag_ids and post.published_at:
        lower, upper = publication_window(post)
        nearby = others.filter(published_at__gte=lower) if lower else others
        if upper:
            nearby = nearby.filter(published_at__lte=upper)
        found = list(
            nearby.filter(tags__in=tag_ids)
            .annotate(shared=Count("pk"))
            .order_by("-shared", "-published_at", "-created_at")[:RELATED_POSTS]
        )
    if post.category_id and len(found) < RELATED_POSTS:
        same_category = others.filter(category_id=post.category_id)
        found += same_category.exclude(pk__in=[other.pk for other in found])[
            : RELATED_POSTS - len(found)
        ]
    return found


def publication_window(post: Post) -> tuple:
    """The publication times RELATED_WINDOW public posts before and after this one (None where
    fewer are), in one query of two reads off the post_published_order index."""
    public = Post.objects.published().order_by().values("published_at")
    before = public.filter(published_at__lt=post.published_at).order_by("-published_at")
    after = public.filter(published_at__gt=post.published_at).order_by("published_at")
    edge = slice(RELATED_WINDOW - 1, RELATED_WINDOW)
    window = Post.objects.filter(pk=post.pk).values_list(
        Subquery(before[edge]), Subquery(after[edge])
    )
    return window.first() or (None, None)


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
