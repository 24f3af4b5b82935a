import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern

from blog import urls
from blog.models import RESERVED_SLUGS, Post, validate_slug_not_reserved
from blog.tests.factories import PostFactory


def test_published_and_drafts_split_the_posts_in_two(post, draft):
    assert list(Post.objects.published()) == [post]
    assert list(Post.objects.drafts()) == [draft]


def test_a_published_factory_post_is_dated_and_rendered_like_any_other(user):
    post = PostFactory(author=user, content="**bold**")
    post.refresh_from_db()
    assert post.published_at is not None
    assert "<strong>bold</strong>" in post.content_html


def test_a_draft_has_no_publication_date(draft):
    draft.refresh_from_db()
    assert draft.published_at is None


def test_every_fixed_word_after_post_in_a_route_is_a_reserved_slug():
    fixed = {
        str(pattern.pattern).split("/")[1]
        for pattern in urls.urlpatterns
        if isinstance(pattern, URLPattern)
        and str(pattern.pattern).startswith("post/")
        and "<" not in str(pattern.pattern).split("/")[1]
    }
    assert fixed == {"new"}
    assert fixed <= RESERVED_SLUGS


def test_a_reserved_slug_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="choose another slug"):
        validate_slug_not_reserved("new")
    validate_slug_not_reserved("new-2")
