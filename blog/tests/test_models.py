from blog.models import Post
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
