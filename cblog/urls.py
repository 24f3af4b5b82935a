from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from blog import feeds
from blog.sitemaps import index as sitemap_index
from blog.sitemaps import sitemaps
from cblog import views

admin.site.site_header = "cblog administration"
handler500 = "cblog.views.server_error"

urlpatterns = [
    path("", include("blog.urls")),
    path("users/", include("users.urls")),
    path("subscribe/", include("blog.subscriptions.urls")),
    path("", include("cblog.pages.urls")),
    path("admin/", admin.site.urls),
    path("feeds/rss/", feeds.LatestPostsFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestPostsAtomFeed(), name="feed-atom"),
    path("feeds/rss/category/<str:slug>/", feeds.CategoryPostsFeed(), name="feed-category-rss"),
    path(
        "feeds/atom/category/<str:slug>/",
        feeds.CategoryPostsAtomFeed(),
        name="feed-category-atom",
    ),
    path("feeds/rss/tag/<str:slug>/", feeds.TagPostsFeed(), name="feed-tag-rss"),
    path("feeds/atom/tag/<str:slug>/", feeds.TagPostsAtomFeed(), name="feed-tag-atom"),
    path("feeds/rss/author/<str:username>/", feeds.AuthorPostsFeed(), name="feed-author-rss"),
    path("feeds/atom/author/<str:username>/", feeds.AuthorPostsAtomFeed(), name="feed-author-atom"),
    # An index of sections, each paginated, so that no response lists every post.
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

if not settings.AWS_STORAGE_BUCKET_NAME:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)  # DEBUG only
urlpatterns += [path("media/<path:name>", views.media_redirect, name="media")]
