import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError

from blog import cache as cache_keys
from blog import services
from blog.models import Like, Post
from blog.tests.factories import PostFactory
from cblog.images.models import Image
from cblog.images.processing import process_image
from cblog.images.services import ImageStorageError
from cblog.images.tests.files import make_jpeg
from cblog.images.tests.storage import stored_files


def photo(**kwargs):
    import io

    return process_image(io.BytesIO(make_jpeg(**kwargs)))


def create(author, title="Hello", image=None, **data):
    fields = {"title": title, "content": "Body", "category": None, "status": "published", **data}
    return services.post_create(author=author, data=fields, image=image)


def test_slug_is_made_from_the_title(user):
    assert create(user, "Hello, World!").slug == "hello-world"


def test_slugs_stay_unique_when_titles_collide(user):
    slugs = [create(user, "Same title").slug for _ in range(3)]
    assert slugs == ["same-title", "same-title-2", "same-title-3"]


def test_unicode_titles_keep_their_letters_in_the_slug(user):
    assert create(user, "Café 東京").slug == "café-東京"


def test_a_title_without_letters_gets_a_generic_slug(user):
    assert create(user, "🚀🚀").slug == "post"


def test_the_slug_does_not_change_with_the_title(user):
    post = create(user, "First title")
    services.post_update(post=post, data={"title": "Second title"})
    post.refresh_from_db()
    assert (post.slug, post.title) == ("first-title", "Second title")


def test_publishing_sets_the_publication_date_once(user):
    post = create(user, status="draft")
    assert post.published_at is None
    services.post_update(post=post, data={"status": "published"})
    first = post.published_at
    services.post_update(post=post, data={"title": "Edited"})
    assert first is not None and post.published_at == first


def test_content_is_rendered_and_sanitized_on_save(user):
    post = create(user, content="**bold** <script>x()</script>")
    assert "<strong>bold</strong>" in post.content_html
    assert "<script" not in post.content_html


def test_a_post_with_an_image_stores_three_objects_under_blog(user):
    before = stored_files()
    post = create(user, image=photo())
    new = stored_files() - before
    assert new == set(post.image.file_names)
    assert all(name.startswith("blog/") for name in new)


def test_a_database_failure_after_upload_removes_the_uploaded_objects(user, monkeypatch):
    before = stored_files()

    def broken_save(*args, **kwargs):
        raise DatabaseError("database went away")

    monkeypatch.setattr(Post, "save", broken_save)
    with pytest.raises(DatabaseError):
        create(user, image=photo())
    assert stored_files() == before
    assert not Image.objects.exists()


def test_a_storage_failure_mid_upload_keeps_nothing(user, monkeypatch):
    before = stored_files()
    real_save = default_storage.save
    calls = []

    def failing_second_save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("object store unavailable")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", failing_second_save)
    with pytest.raises(ImageStorageError):
        create(user, image=photo())
    monkeypatch.undo()
    assert stored_files() == before
    assert not Post.objects.exists() and not Image.objects.exists()


def test_replacing_an_image_deletes_the_old_objects_after_commit(
    user, django_capture_on_commit_callbacks
):
    post = create(user, image=photo())
    old_names = post.image.file_names
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, data={}, image=photo(width=800, height=600))
    assert not any(default_storage.exists(name) for name in old_names)
    assert all(default_storage.exists(name) for name in post.image.file_names)
    assert Image.objects.count() == 1


def test_old_objects_stay_until_the_transaction_commits(user, django_capture_on_commit_callbacks):
    post = create(user, image=photo())
    old_names = post.image.file_names
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.post_update(post=post, data={}, image=photo())
    assert all(default_storage.exists(name) for name in old_names)
    deletions = [c for c in callbacks if "image_delete_files" in getattr(c, "__qualname__", "")]
    assert len(deletions) == 1


def test_removing_an_image_deletes_its_objects(user, django_capture_on_commit_callbacks):
    post = create(user, image=photo())
    names = post.image.file_names
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, data={}, remove_image=True)
    post.refresh_from_db()
    assert post.image is None
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_deleting_a_post_deletes_its_image_objects(user, django_capture_on_commit_callbacks):
    before = stored_files()
    post = create(user, image=photo())
    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=post)
    assert stored_files() == before
    assert not Image.objects.exists()


def test_deleting_an_author_deletes_their_posts_image_objects(
    user, django_capture_on_commit_callbacks
):
    before = stored_files()
    create(user, image=photo())
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert stored_files() == before
    assert not Image.objects.exists()


def test_like_toggle_returns_the_new_state(post, other_user):
    assert services.like_toggle(post=post, user=other_user) is True
    assert services.like_toggle(post=post, user=other_user) is False
    assert not Like.objects.exists()


def test_the_database_refuses_a_second_like_from_the_same_user(post, other_user):
    Like.objects.create(post=post, user=other_user)
    with pytest.raises(IntegrityError):
        Like.objects.create(post=post, user=other_user)


def test_view_count_increments_in_the_database_not_from_a_stale_copy(post):
    stale = Post.objects.get(pk=post.pk)
    Post.objects.filter(pk=post.pk).update(view_count=41)
    services.post_count_view(post=stale, visitor="v1")
    post.refresh_from_db()
    assert post.view_count == 42


def test_a_visitor_is_remembered_per_post_in_the_cache(user):
    posts = PostFactory.create_batch(2, author=user)
    counted = [services.post_count_view(post=p, visitor="v1") for p in posts * 2]
    assert counted == [True, True, False, False]
    assert services.post_count_view(post=posts[0], visitor="v2")


def test_a_visitor_counts_again_after_the_view_window(post):
    assert services.post_count_view(post=post, visitor="v1")
    cache.delete(cache_keys.post_viewed(post.pk, "v1"))  # what expiry after VIEW_WINDOW does
    assert services.post_count_view(post=post, visitor="v1")


def test_publishing_in_bulk_publishes_only_the_drafts(post, draft):
    first = post.published_at
    assert services.posts_publish(posts=Post.objects.all()) == 1
    post.refresh_from_db()
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    assert post.published_at == first


def test_the_excerpt_is_plain_text_with_entities_decoded(user):
    post = create(user, content="**Tom** & Jerry say 5 < 6")
    assert post.excerpt == "Tom & Jerry say 5 < 6"


def test_a_title_that_is_a_route_word_never_gets_that_slug(user):
    assert create(user, "New").slug == "new-2"
