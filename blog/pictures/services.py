"""Pictures in a post's text: stored through cblog.images, owned by their post once it uses them."""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from blog.models import Post
from blog.pictures.models import InlinePicture
from blog.revisions.models import Revision
from cblog.images.processing import ProcessedImage
from cblog.images.public import public_url
from cblog.images.services import image_uploaded

# The display rendition's name inside any URL the storage gives it (local, /media/, CloudFront).
DISPLAY_NAME = re.compile(r"blog/[0-9a-f]{32}/display\.(?:jpg|png)")
MARKDOWN_SPECIAL = re.compile(r"([\\\[\]*_`<>])")


@dataclass(frozen=True)
class NewPicture:
    processed: ProcessedImage
    alt: str


def picture_markdown(*, url: str, alt: str) -> str:
    """`![alt](url)`, with the alt text on one line and its Markdown characters escaped."""
    alt = MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(alt.split()))
    return f"![{alt}]({url})"


def pictures_left(*, post: Post | None, uploader=None) -> int:
    """How many more pictures this post may take; for a post not saved yet, the pictures its
    uploader has not put in a post count."""
    if post is not None and post.pk:
        used = InlinePicture.objects.filter(post=post).count()
    elif uploader is not None:  # the pictures a post let go are not this new post's
        used = InlinePicture.objects.filter(uploader=uploader, post=None, detached_at=None).count()
    else:
        used = 0
    return settings.POST_PICTURES_MAX - used


def check_room(*, post: Post | None, uploader=None):
    if pictures_left(post=post, uploader=uploader) <= 0:
        raise ValidationError(
            "A post can hold up to %(limit)s pictures; remove one from the text before adding "
            "another.",
            code="too_many_pictures",
            params={"limit": settings.POST_PICTURES_MAX},
        )


def picture_upload(*, uploader, post: Post | None, picture: NewPicture) -> InlinePicture:
    """Stores a picture for a post's text (post=None: a post not saved yet) and keeps its row.

    Raises ValidationError when the post is full, ImageStorageError when the store fails (then
    nothing is kept).
    """
    check_room(post=post, uploader=uploader)
    with image_uploaded(picture.processed, folder="blog") as image, transaction.atomic():
        image.save()
        return InlinePicture.objects.create(
            post=post, uploader=uploader, image=image, alt=picture.alt
        )


@contextmanager
def picture_inserted(post: Post, picture: NewPicture | None, *, uploader):
    """Stores the picture and appends its Markdown to post.content, then yields a function the
    caller's transaction calls once the post is saved, to keep the picture's row.

    For forms without the editor's script; the objects are deleted again if the block fails.
    """
    processed = picture.processed if picture else None
    with image_uploaded(processed, folder="blog") as image:
        if image is not None:
            markdown = picture_markdown(url=public_url(image.display), alt=picture.alt)
            post.content = f"{post.content.rstrip()}\n\n{markdown}\n".lstrip()

        def keep():
            if image is not None:
                image.save()
                InlinePicture.objects.create(
                    post=post, uploader=uploader, image=image, alt=picture.alt
                )

        yield keep


def pictures_claim(*, post: Post):
    """Gives the post the pictures its author uploaded before it was saved and its text shows,
    or that it shows again after letting them go."""
    names = set(DISPLAY_NAME.findall(post.content))
    if names:
        InlinePicture.objects.filter(
            post=None, uploader=post.author_id, image__display__in=names
        ).update(post=post, detached_at=None)


def pictures_detach(*, post: Post):
    """Lets go of the post's pictures that neither its text nor a kept revision shows (after
    the revisions were pruned), so that media_orphans deletes them after its grace period."""
    shown = set(DISPLAY_NAME.findall(post.content))
    gone = post.pictures.exclude(image__display__in=shown).values_list("pk", "image__display")
    detached = [
        pk
        for pk, name in gone  # usually none: only after a picture left the text
        if not post.revisions.filter(content__contains=name).exists()
    ]
    if detached:
        InlinePicture.objects.filter(pk__in=detached).update(post=None, detached_at=timezone.now())


def pictures_abandoned(before: datetime):
    """Pictures that no post took, uploaded before this time, or let go by their post before it,
    and that none of their uploader's posts shows in its text or a revision (media_orphans
    deletes them). Only the uploader's posts are searched: through the author index, rather
    than every post's text for each picture."""
    name = OuterRef("image__display")
    return InlinePicture.objects.filter(
        Q(detached_at__lt=before) | Q(detached_at=None, created_at__lt=before),
        ~Exists(Post.objects.filter(author=OuterRef("uploader"), content__contains=name)),
        ~Exists(Revision.objects.filter(post__author=OuterRef("uploader"), content__contains=name)),
        post=None,
    )
