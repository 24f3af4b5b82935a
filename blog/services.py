"""Writes that touch more than one thing: posts with their image objects, likes, comments, views."""

from contextlib import contextmanager

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from blog import cache as cache_keys
from blog.models import RESERVED_SLUGS, Comment, Like, Post, count_of
from blog.months import month_of, published_months_refresh
from blog.pictures.services import (
    NewPicture,
    picture_inserted,
    pictures_claim,
    pictures_detach,
)
from blog.revisions.models import Revision
from blog.revisions.services import restored_data, revision_record
from cblog.images.processing import ProcessedImage
from cblog.images.services import image_replaced
from cblog.markdown import plain_text_excerpt, render_markdown
from cblog.page_cache import content_changed

VIEW_WINDOW = 30 * 60


def post_prepare(post: Post):
    """Readies a post for saving: the one place that stamps published_at and renders Markdown.

    A published post keeps its first publication date, or the future one it is scheduled for;
    a draft keeps whatever date it had.
    """
    if post.status == Post.Status.PUBLISHED and not post.published_at:
        post.published_at = timezone.now()
    if post.is_published:
        post.was_public = True
    post.content_html = render_markdown(post.content)
    post.excerpt = post.custom_excerpt or plain_text_excerpt(post.content_html)
    if post.image_decorative:
        post.image_alt = ""


def post_save_with_unique_slug(post: Post):
    """Saves a new post under the first free slug made from the one asked for, else from its
    title, that no route uses."""
    base = slugify(post.slug or post.title, allow_unicode=True)[:200].strip("-") or "post"
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


def revision_kind(post: Post, *, was_published: bool, kind: str | None) -> str:
    """The kind given (autosave, restore), else publish when the save publishes, else save."""
    if kind:
        return kind
    if post.status == Post.Status.PUBLISHED and not was_published:
        return Revision.Kind.PUBLISH
    return Revision.Kind.SAVE


@contextmanager
def post_saved(
    post: Post,
    *,
    editor,
    image=None,
    remove_image=False,
    picture=None,
    kind=None,
):
    """Prepares the post, then runs the block that saves it in one transaction with its picture
    objects (the post's own picture, one added to its text, those its text took) and a revision.
    """
    # As stored: a bound model form has already set the new status on the instance.
    was_published = post.pk is not None and (
        Post.objects.filter(pk=post.pk, status=Post.Status.PUBLISHED).exists()
    )
    with picture_inserted(post, picture, uploader=editor or post.author) as keep_picture:
        post_prepare(post)
        with image_replaced(post, "image", image, folder="blog", remove=remove_image):
            yield
            keep_picture()
            pictures_claim(post=post)
            kind = revision_kind(post, was_published=was_published, kind=kind)
            revision_record(post=post, user=editor, kind=kind)
            pictures_detach(post=post)


def post_create(
    *,
    author,
    data: dict,
    image: ProcessedImage | None = None,
    picture: NewPicture | None = None,
    tags: list[str] | None = None,
    kind: str | None = None,
) -> Post:
    """Saves a new post with its pictures and tags in one transaction."""
    post = Post(author=author, **data)
    with post_saved(post, editor=author, image=image, picture=picture, kind=kind):
        post_save_with_unique_slug(post)
        if tags:
            post.tags.set(tags)
    return post


def post_update(
    *,
    post: Post,
    data: dict,
    image: ProcessedImage | None = None,
    remove_image=False,
    picture: NewPicture | None = None,
    editor=None,
    tags: list[str] | None = None,
    kind: str | None = None,
) -> Post:
    """Updates fields and, unless `tags` is None, the tags, in one transaction; a new or removed
    image deletes the old objects. A post that has been public keeps its slug."""
    if post.is_published:
        post.was_public = True  # as loaded: the post may have turned public by its time alone
    if post.slug_locked:
        data = {field: value for field, value in data.items() if field != "slug"}
    for field, value in data.items():
        setattr(post, field, value)
    with post_saved(
        post,
        editor=editor,
        image=image,
        remove_image=remove_image,
        picture=picture,
        kind=kind,
    ):
        post.save()
        if tags is not None:
            post.tags.set(tags)
    return post


def post_restore(*, revision: Revision, editor) -> Post:
    """Brings the post back to a revision's title, text and metadata; that is a revision too."""
    return post_update(
        post=revision.post,
        data=restored_data(revision),
        editor=editor,
        tags=revision.metadata.get("tags"),
        kind=Revision.Kind.RESTORE,
    )


def posts_publish(*, posts, editor=None) -> int:
    """Publishes the drafts among `posts` (scheduled ones keep their time); returns how many."""
    with transaction.atomic():
        drafts = list(posts.filter(status=Post.Status.DRAFT))
        for post in drafts:
            post.status = Post.Status.PUBLISHED
            post_prepare(post)
            post.save()
            revision_record(post=post, user=editor, kind=Revision.Kind.PUBLISH)
    return len(drafts)


def posts_unpublish(*, posts) -> int:
    """Takes the published and scheduled posts among `posts` back to drafts; returns how many.
    Scheduled ones too: they would otherwise still go public at their time."""
    with transaction.atomic():
        published = posts.filter(status=Post.Status.PUBLISHED)
        times = published.values_list("published_at", flat=True)
        months = {month_of(when) for when in times if when}
        posts.published().update(was_public=True)  # their addresses stay
        count = published.update(status=Post.Status.DRAFT)
        published_months_refresh(months=months)  # an update() sends no signal
    content_changed()
    return count


def post_delete(*, post: Post):
    # The image row and its objects follow through the images app's cleanup (also on cascades).
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


def post_counts_refresh(*, post_ids):
    """Recounts the stored like and shown (approved, not hidden) comment counts of these posts from their rows.

    Called on every like or comment row change (blog.signals) and after bulk moderation, so the
    counts lists show stay exact without counting rows per post on every page.
    """
    Post.objects.filter(pk__in=post_ids).update(
        like_count=count_of(Like.objects.all()),
        comment_count=count_of(Comment.objects.filter(is_hidden=False, is_approved=True)),
    )
    content_changed()
