from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef
from django.utils.functional import cached_property

from blog.models import Category, Post, Tag


class IdRangePaginator(Paginator):
    """Sitemap pages by id range: page N lists the posts with ids in ((N-1)·limit, N·limit].

    Neither a COUNT over every post nor a deep OFFSET: the page count comes from the highest id
    (read off the primary key), and each page is a primary-key range.
    """

    @cached_property
    def count(self):
        return self.object_list.model.objects.aggregate(last=Max("pk"))["last"] or 0

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        posts = self.object_list.filter(pk__gt=low, pk__lte=low + self.per_page).order_by("pk")
        return self._get_page(posts, number, self)


class PostSitemap(Sitemap):
    changefreq = "weekly"
    limit = 1000

    def items(self):
        return Post.objects.published().only("slug", "updated_at")

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, post):
        return post.updated_at

    def get_latest_lastmod(self):
        return None  # the index would otherwise read every post's date


class CategorySitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.filter(
            Exists(Post.objects.published().filter(category=OuterRef("pk")))
        )


class TagSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        public = Post.objects.published().filter(tags=OuterRef("pk"))
        return Tag.objects.filter(Exists(public)).only("slug").order_by("pk")


sitemaps = {"posts": PostSitemap, "categories": CategorySitemap, "tags": TagSitemap}


def index(request, **kwargs):
    """Django's sitemap index, listing only the sections that have an entry: the sitemaps.org
    schema takes no empty <urlset>, and a blog without tags (or categories) has such a section."""
    shown = {name: section for name, section in sitemaps.items() if section().items().exists()}
    return sitemap_views.index(request, shown, **kwargs)
