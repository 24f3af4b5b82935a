"""RSS and Atom feeds: the whole blog, a category, a tag, an author; each the 20 newest public
posts."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from blog.models import Category, Post, Tag
from blog.navigation import public_author_or_404

FEED_ITEMS = 20
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def feed_links(scope: str, label: str, **kwargs) -> list[dict]:
    """A list's RSS and Atom feeds, for `<link rel="alternate">` and the links under its heading."""
    return [
        {
            "kind": kind.upper(),
            "title": f"{kind.upper()}: {label}",
            "type": content_type,
            "href": reverse(f"feed-{scope}-{kind}", kwargs=kwargs),
        }
        for kind, content_type in FEED_TYPES.items()
    ]


class LatestPostsFeed(Feed):
    title = f"{settings.SITE_NAME}: latest posts"
    link = reverse_lazy("blog:post-list")
    description = "The newest published posts."

    def posts(self, obj):
        return Post.objects.published().with_counts()

    def items(self, obj=None):
        return self.posts(obj)[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    # The picture first, at a stable public URL: readers keep feed items for years.
    description_template = "blog/feeds/post_description.html"

    def item_author_name(self, item):
        return item.author.display_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        category = [item.category.name] if item.category else []
        return [*category, *(tag.name for tag in item.tags.all())]


class CategoryPostsFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: posts in {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The newest published posts in {obj.name}."

    def posts(self, obj):
        return super().posts(obj).filter(category=obj)  # off the post_category_order index


class TagPostsFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: posts tagged {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The newest published posts tagged {obj.name}."

    def posts(self, obj):
        return super().posts(obj).filter(tags=obj)  # the tag page's own query


class AuthorPostsFeed(LatestPostsFeed):
    def get_object(self, request, username):
        return public_author_or_404(username)

    def title(self, obj):
        return f"{settings.SITE_NAME}: posts by {obj.display_name}"

    def link(self, obj):
        return reverse("blog:author", args=[obj.get_username()])

    def description(self, obj):
        return f"The newest published posts by {obj.display_name}."

    def posts(self, obj):
        return super().posts(obj).filter(author=obj)  # off the post_author_order index


class AtomFeedMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self._get_dynamic_attr("description", obj)


class LatestPostsAtomFeed(AtomFeedMixin, LatestPostsFeed):
    pass


class CategoryPostsAtomFeed(AtomFeedMixin, CategoryPostsFeed):
    pass


class TagPostsAtomFeed(AtomFeedMixin, TagPostsFeed):
    pass


class AuthorPostsAtomFeed(AtomFeedMixin, AuthorPostsFeed):
    pass
