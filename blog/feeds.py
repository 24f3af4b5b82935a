from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from blog.models import Post


class LatestPostsFeed(Feed):
    title = f"{settings.SITE_NAME}: latest posts"
    link = reverse_lazy("blog:post-list")
    description = "The newest published posts."

    def items(self):
        return Post.objects.published().with_counts()[:20]

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
        return [item.category.name] if item.category else []


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
