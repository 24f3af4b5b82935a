"""RSS and Atom feeds: the whole blog, a category, a tag, an author; each the 20 newest public
posts."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from blog.models import Category, Post, Tag
from blog.navigation import public_author_or_404

FEED_ITEMS = 20
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
CONTENT_MODULE = "http://purl.org/rss/1.0/modules/content/"


# An item's `description` is its full text, drawn by the feed's description_template with the
# request (for absolute picture URLs); these write it as the content, and the excerpt as the
# description or summary that readers show in their lists.


class ContentRssFeed(Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_MODULE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": item["excerpt"]})
        handler.addQuickElement("content:encoded", item["description"])


class ContentAtomFeed(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": item["excerpt"]})
        handler.addQuickElement("content", item["description"], {"type": "html"})


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
    feed_type = ContentRssFeed
    title = f"{settings.SITE_NAME}: latest posts"
    link = reverse_lazy("blog:post-list")
    description = "The newest published posts."

    def posts(self, obj):
        return Post.objects.published().with_counts()

    def items(self, obj=None):
        return self.posts(obj)[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    # The full text, the picture first at a stable public URL: readers keep items for years.
    description_template = "blog/feeds/post_description.html"

    def item_extra_kwargs(self, item):
        # Readers draw the description and summary as HTML, and the excerpt is plain text.
        return {"excerpt": escape(item.excerpt)}

    def item_author_name(self, item):
        return item.author.display_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        category = [item.category.name] if item.category else []
        return [*category, *(tag.name for tag in item.tags.all())]


class SlugPostsFeed(LatestPostsFeed):
    """The posts of one category or tag, found by its slug: `field` is the posts' filter and
    `phrase` what the posts are ("in Travel", "tagged lisbon")."""

    model, field, phrase = Category, "category", "in {}"

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: posts {self.phrase.format(obj.name)}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The newest published posts {self.phrase.format(obj.name)}."

    def posts(self, obj):
        # The list page's own query: a category's is read off the post_category_order index.
        return super().posts(obj).filter(**{self.field: obj})


class CategoryPostsFeed(SlugPostsFeed):
    pass


class TagPostsFeed(SlugPostsFeed):
    model, field, phrase = Tag, "tags", "tagged {}"


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
    feed_type = ContentAtomFeed

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
