from django.contrib.sitemaps import Sitemap

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
        return Category.objects.filter(posts__status=Post.Status.PUBLISHED).distinct()


sitemaps = {"posts": PostSitemap, "categories": CategorySitemap}
