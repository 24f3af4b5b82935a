"""The sitemap: an index of sections, each a list of URLs, and none of them ever empty, which the
sitemaps.org schema refuses."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.db.models import Exists, Max, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.functional import cached_property

from blog import cache as keys
from blog.models import Category, Post, Tag
from cblog.page_cache import shared_until_changed

# Ranges probed by one query: each costs two parameters and one column, well within SQLite's
# limits (32,766 parameters, 2,000 columns).
PROBES_PER_QUERY = 500


class IdRangePaginator(Paginator):
    """Sitemap pages by id range: page N lists the posts with ids in ((N-1)·limit, N·limit].

    Neither a COUNT over every post nor a deep OFFSET: the page count comes from the highest id
    (read off the primary key), and each page is a primary-key range. A page stays the same URL
    whatever is published around it; a range without a public post (drafts, deleted posts) is no
    page, and the index leaves it out.
    """

    @cached_property
    def count(self):
        return self.object_list.model.objects.aggregate(last=Max("pk"))["last"] or 0

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        posts = list(
            self.object_list.filter(pk__gt=low, pk__lte=low + self.per_page).order_by("pk")
        )
        if not posts:
            raise EmptyPage("No public post in this range.")
        return self._get_page(posts, number, self)

    def page_numbers(self) -> list[int]:
        """The pages holding a public post: one probe per range, which reads a single entry of
        the post_status_id index (none in a range of drafts or deleted posts)."""
        found = []
        for first in range(0, self.num_pages, PROBES_PER_QUERY):
            numbers = range(first + 1, min(first + PROBES_PER_QUERY, self.num_pages) + 1)
            found += [
                number for number, post in zip(numbers, self.probe(numbers), strict=True) if post
            ]
        return found

    def probe(self, numbers) -> tuple:
        """A public post's id, or None, for each page: one query of a column per page, each a
        subquery bounded by constants, which MariaDB reads off an index (correlated bounds
        would make it scan the table once per range)."""
        low, high = object(), object()  # stand-ins for each page's bounds
        first_post = (
            self.object_list.filter(pk__gt=RawSQL("%s", [low]), pk__lte=RawSQL("%s", [high]))
            .order_by()
            .values("pk")[:1]
        )
        sql, params = first_post.query.sql_with_params()
        bounds = {}
        values = []
        for number in numbers:
            bounds[low], bounds[high] = (number - 1) * self.per_page, number * self.per_page
            values += [bounds.get(param, param) for param in params]
        columns = ", ".join([f"({sql})"] * len(numbers))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}", values)
            return cursor.fetchone()


class Section(Sitemap):
    def page_numbers(self) -> list[int]:
        paginator = self.paginator
        return list(paginator.page_range) if paginator.count else []


class PostSitemap(Section):
    changefreq = "weekly"
    limit = 1000

    def items(self):
        return Post.objects.published().only("slug", "updated_at")

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def page_numbers(self) -> list[int]:
        return self.paginator.page_numbers()

    def lastmod(self, post):
        return post.updated_at


class CategorySitemap(Section):
    changefreq = "daily"

    def items(self):
        return Category.objects.filter(
            Exists(Post.objects.published().filter(category=OuterRef("pk")))
        )


class TagSitemap(Section):
    changefreq = "daily"

    def items(self):
        # A scalar subquery per tag, which stops at the tag's first public post: MariaDB makes
        # EXISTS a semi-join that first lists the tags of every public post.
        public = Post.objects.published().filter(tags=OuterRef("pk")).order_by().values("pk")[:1]
        return (
            Tag.objects.alias(public_post=Subquery(public))
            .filter(public_post__isnull=False)
            .only("slug")
            .order_by("pk")
        )


sitemaps = {"posts": PostSitemap, "categories": CategorySitemap, "tags": TagSitemap}


@x_robots_tag
def index(request, sitemap_url_name):
    """The index of every section page that has an entry: the sitemaps.org schema takes no empty
    <urlset>. Django's own index lists pages 1 to N, and post pages may have gaps.

    Probing every id range and writing an entry per thousand posts grow with the blog, so the
    index is kept in the shared cache for its site until the next write."""
    site = f"{request.scheme}://{get_current_site(request).domain}"

    def render():
        pages = []
        for name, section in sitemaps.items():
            url = f"{site}{reverse(sitemap_url_name, args=[name])}"
            pages += [
                SitemapIndexItem(url if number == 1 else f"{url}?p={number}")
                for number in section().page_numbers()
            ]
        return render_to_string("sitemap_index.xml", {"sitemaps": pages})

    xml = shared_until_changed(keys.sitemap_index(f"{site}{get_script_prefix()}"), render)
    return HttpResponse(xml, content_type="application/xml")
