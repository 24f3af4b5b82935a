"""Writes that touch more than one thing: posts with their image objects, likes, comments, views."""

import logging
import uuid
from contextlib import contextmanager

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from blog import cache as cache_keys
from blog.images import ProcessedImage
from blog.markdown import plain_text_excerpt, render_markdown
from blog.models import RESERVED_SLUGS, Comment, Image, Like, Post, count_of

logger = logging.getLogger(__name__)

VIEW_WINDOW = 30 * 60


class ImageStorageError(Exception):
    """The object store failed; nothing of the upload was kept."""


def files_delete(names):
    """Deletes stored objects, logging (not raising) failures: the rows are already gone."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("Could not delete stored object %s", name)


@contextmanager
def image_uploaded(processed: ProcessedImage | None, *, folder: str):
    """Uploads renditions under <folder>/<uuid>/ and yields the unsaved Image row.

    If the upload or anything in the block fails, the uploaded objects are deleted again,
    so the store never keeps an object that no row references.
    """
    if processed is None:
        yield None
        return
    prefix = f"{folder}/{uuid.uuid4().hex}"
    image = Image()
    uploaded = []
    try:
        try:
            for field in Image.FILE_FIELDS:
                rendition = getattr(processed, field)
                name = default_storage.save(
                    f"{prefix}/{field}.{rendition.extension}", ContentFile(rendition.content)
                )
                uploaded.append(name)
                setattr(image, field, name)
        except Exception as exc:
            logger.exception("Upload to %s failed", prefix)
            raise ImageStorageError("The image could not be stored.") from exc
        image.width, image.height = processed.original.width, processed.original.height
        image.display_width, image.display_height = (
            processed.display.width,
            processed.display.height,
        )
        image.thumbnail_width = processed.thumbnail.width
        image.thumbnail_height = processed.thumbnail.height
        yield image
    except BaseException:
        files_delete(uploaded)
        raise


def image_delete_files_on_commit(image: Image):
    names = image.file_names
    transaction.on_commit(lambda: files_delete(names))


@contextmanager
def image_replaced(owner, field: str, processed: ProcessedImage | None, *, folder, remove=False):
    """Saves owner.<field> = the new upload (or None when removed) in one transaction.

    The block saves the owner. The old image row is deleted in the same transaction and its
    objects after the commit; the new objects are deleted if anything fails.
    """
    old = getattr(owner, field) if (processed or remove) else None
    with image_uploaded(processed, folder=folder) as stored, transaction.atomic():
        if stored:
            stored.save()
        if stored or remove:
            setattr(owner, field, stored)
        yield
        if old:
            old.delete()


def post_prepare(post: Post):
    """Readies a post for saving: the one place that stamps published_at and renders Markdown.

    A published post keeps its first publication date; a draft keeps whatever date it had.
    """
    if post.is_published and not post.published_at:
        post.published_at = timezone.now()
    post.content_html = render_markdown(post.content)
    post.excerpt = plain_text_excerpt(post.content_html)


def post_save_with_unique_slug(post: Post):
    """Saves a new post under the first free slug made from its title that no route uses."""
    base = slugify(post.title, allow_unicode=True)[:200].strip("-") or "post"
    taken = set(Post.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    number = 1
    while True:
        candidate = base if number == 1 else f"{base}-{number}"
        number += 1
        if candidate in taken or candidate in RESERVED_SLUGS:
            continue
        post.slug = candidate
        try:
            with transaction.atomic():
                post.save()
            return
        except IntegrityError:
            if not Post.objects.filter(slug=candidate).exists():
                raise
            # Another request took this slug between our read and our insert.


def post_create(*, author, data: dict, image: ProcessedImage | None = None) -> Post:
    post = Post(author=author, **data)
    post_prepare(post)
    with image_replaced(post, "image", image, folder="blog"):
        post_save_with_unique_slug(post)
    return post


def post_update(
    *, post: Post, data: dict, image: ProcessedImage | None = None, remove_image=False
) -> Post:
    """Updates fields (the slug stays stable); a new or removed image deletes the old objects."""
    for field, value in data.items():
        setattr(post, field, value)
    post_prepare(post)
    with image_replaced(post, "image", image, folder="blog", remove=remove_image):
        post.save()
    return post


def posts_publish(*, posts) -> int:
    """Publishes the drafts among `posts`; returns how many were published."""
    with transaction.atomic():
        drafts = list(posts.drafts())
        for post in drafts:
            post.status = Post.Status.PUBLISHED
            post_prepare(post)
            post.save()
    return len(drafts)


def post_delete(*, post: Post):
    # The image row and its objects follow through the post_delete signals (also on cascades).
    post.delete()


def post_count_view(*, post: Post, visitor: str) -> bool:
    """Counts a view of a published post, at most once per visitor per VIEW_WINDOW seconds.

    A count therefore means: distinct readers (an account, or an address with one browser)
    within half an hour, bots and HTTP tools excluded. The marker lives in the shared cache, so
    no session is needed and every instance agrees; when the cache is down nothing is counted.
    """
    if not cache.add(cache_keys.post_viewed(post.pk, visitor), True, VIEW_WINDOW):
        return False
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    return True


def like_toggle(*, post: Post, user) -> bool:
    """Likes or unlikes; returns whether the user likes the post afterwards."""
    deleted, _ = Like.objects.filter(post=post, user=user).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Like.objects.create(post=post, user=user)
    except IntegrityError:
        pass  # a concurrent request from the same user liked it first
    return True


def comment_create(*, post: Post, author, content: str) -> Comment:
    return Comment.objects.create(post=post, author=author, content=content)


def comments_set_hidden(*, comments, hidden: bool) -> int:
    """Hides or shows comments again (moderation); returns how many changed."""
    with transaction.atomic():
        post_ids = set(comments.values_list("post_id", flat=True))
        changed = comments.exclude(is_hidden=hidden).update(is_hidden=hidden)
        post_counts_refresh(post_ids=post_ids)
    return changed


def post_counts_refresh(*, post_ids):
    """Recounts the stored like and visible-comment counts of these posts from their rows.

    Called on every like or comment row change (blog.signals) and after bulk moderation, so the
    counts lists show stay exact without counting rows per post on every page.
    """
    Post.objects.filter(pk__in=post_ids).update(
        like_count=count_of(Like.objects.all()),
        comment_count=count_of(Comment.objects.filter(is_hidden=False)),
    )
