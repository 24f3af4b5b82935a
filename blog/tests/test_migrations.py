"""Data migrations, run against today's models."""

from importlib import import_module

from django.apps import apps

from blog.models import Post
from blog.tests.factories import PostFactory

reserved_slugs_and_plain_excerpts = import_module(
    "blog.migrations.0004_reserved_slugs_and_plain_excerpts"
)
rerender_posts_as_commonmark = import_module("blog.migrations.0005_rerender_posts_as_commonmark")
rerender_posts_with_cmark = import_module("blog.migrations.0009_rerender_posts_with_cmark")


def test_posts_on_a_reserved_slug_move_to_the_first_free_one(user):
    PostFactory(author=user, slug="new-2")
    stuck = PostFactory(author=user, title="New", slug="new")

    reserved_slugs_and_plain_excerpts.move_posts_off_reserved_slugs(apps, None)

    stuck.refresh_from_db()
    assert stuck.slug == "new-3"


def test_escaped_excerpts_are_rederived_as_plain_text(user):
    post = PostFactory(author=user, content="Tom & Jerry say 5 < 6")
    Post.objects.filter(pk=post.pk).update(excerpt="Tom &amp; Jerry say 5 &lt; 6")

    reserved_slugs_and_plain_excerpts.rederive_excerpts(apps, None)

    post.refresh_from_db()
    assert post.excerpt == "Tom & Jerry say 5 < 6"


def test_stored_posts_are_rendered_again_with_images_only_from_own_media(user, monkeypatch):
    monkeypatch.setattr(rerender_posts_as_commonmark, "BATCH", 2)  # a full batch and a rest
    posts = [
        PostFactory(author=user, content=f"Walk {number}: ![pixel](http://tracker.example/p.png)")
        for number in range(3)
    ]
    Post.objects.update(
        content_html='<p><img alt="pixel" src="http://tracker.example/p.png"></p>', excerpt=""
    )

    rerender_posts_as_commonmark.rerender_posts(apps, None)

    for post in posts:
        post.refresh_from_db()
        assert "<img" not in post.content_html
        assert 'href="http://tracker.example/p.png"' in post.content_html
        assert post.excerpt.startswith("Walk")


def test_stored_posts_are_rendered_again_without_align_attributes_or_sourceless_images(user):
    post = PostFactory(
        author=user,
        content='<table><tr><td align="center">x</td></tr></table>\n\n<img alt="gone">',
    )
    Post.objects.update(
        content_html='<table><tbody><tr><td align="center">x</td></tr></tbody></table><img alt="gone">'
    )

    rerender_posts_with_cmark.rerender_posts(apps, None)

    post.refresh_from_db()
    assert '<td class="text-center">x</td>' in post.content_html
    assert "<img" not in post.content_html
