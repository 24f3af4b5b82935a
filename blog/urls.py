from django.urls import path, re_path

from blog import archive, editor, views
from blog.comments import views as comment_views
from blog.pictures import views as picture_views
from blog.revisions import views as revision_views

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("post/new/", views.PostCreateView.as_view(), name="post-create"),
    path("post/new/preview/", editor.PreviewView.as_view(), name="post-preview"),
    path("post/new/autosave/", editor.DraftCreateAutosaveView.as_view(), name="post-autosave-new"),
    path("post/new/pictures/", picture_views.PictureUploadView.as_view(), name="picture-new"),
    path("post/<str:slug>/", views.PostDetailView.as_view(), name="post-detail"),
    path("post/<str:slug>/edit/", views.PostUpdateView.as_view(), name="post-update"),
    path("post/<str:slug>/autosave/", editor.DraftAutosaveView.as_view(), name="post-autosave"),
    path(
        "post/<str:slug>/pictures/", picture_views.PictureUploadView.as_view(), name="picture-add"
    ),
    path(
        "post/<str:slug>/revisions/",
        revision_views.RevisionListView.as_view(),
        name="post-revisions",
    ),
    path(
        "post/<str:slug>/revisions/compare/",
        revision_views.RevisionCompareView.as_view(),
        name="revision-compare",
    ),
    path(
        "post/<str:slug>/revisions/<int:pk>/restore/",
        revision_views.RevisionRestoreView.as_view(),
        name="revision-restore",
    ),
    path("post/<str:slug>/delete/", views.PostDeleteView.as_view(), name="post-delete"),
    path("post/<str:slug>/like/", views.LikeToggleView.as_view(), name="post-like"),
    path(
        "post/<str:slug>/comment/", comment_views.CommentCreateView.as_view(), name="comment-create"
    ),
    path(
        "comment/<int:pk>/delete/", comment_views.CommentDeleteView.as_view(), name="comment-delete"
    ),
    path("category/<str:slug>/", views.CategoryPostListView.as_view(), name="category"),
    path("tag/<str:slug>/", views.TagPostListView.as_view(), name="tag"),
    path("tags/autocomplete/", editor.TagAutocompleteView.as_view(), name="tag-autocomplete"),
    path("author/<str:username>/", views.AuthorPostListView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("drafts/", views.DraftListView.as_view(), name="drafts"),
    path("archive/", archive.ArchiveIndexView.as_view(), name="archive"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        archive.MonthPostListView.as_view(),
        name="archive-month",
    ),
]
