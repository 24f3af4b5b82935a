from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef

from blog.models import Category, Post


class PostSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.published().only("slug", "updated_at")

    def lastmod(self, post):
        return post.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.filter(
            Exists(Post.objects.published().filter(category=OuterRef("pk")))
        )


sitemaps = {"posts": PostSitemap, "categories": CategorySitemap}
