"""Keeping revisions: called by blog.services inside the transaction that saves the post.

Pruning rule: a post keeps every save, publish and restore, and its AUTOSAVES_KEPT newest
autosaves. A save that changes nothing since the newest revision adds none.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from blog.models import Post
from blog.revisions.models import Revision

AUTOSAVES_KEPT = 10
# Kept apart (title, content), never an author's to edit, or not restorable as a value.
NOT_METADATA = {
    "id", "title", "content", "slug", "author", "image", "view_count", "like_count",
    "comment_count",
}  # fmt: skip
# Shown in a diff, but a restore leaves them: publishing is what the form's buttons do.
NOT_RESTORED = {"status", "published_at"}


def metadata_fields():
    return [
        field
        for field in Post._meta.concrete_fields
        if field.editable and field.name not in NOT_METADATA
    ]


def many_fields():
    """Tags and other many-to-many fields, kept as the names of what they hold."""
    return [field for field in Post._meta.many_to_many if field.name not in NOT_METADATA]


def post_metadata(post: Post) -> dict:
    data = {field.attname: getattr(post, field.attname) for field in metadata_fields()}
    for field in many_fields():
        data[field.name] = sorted(str(item) for item in getattr(post, field.name).all())
    # As the JSON column gives it back, so that it compares with a stored revision.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def revision_record(*, post: Post, user, kind: str) -> Revision | None:
    latest = post.revisions.order_by("-pk").first()
    metadata = post_metadata(post)
    if latest and (latest.title, latest.content, latest.metadata) == (
        post.title,
        post.content,
        metadata,
    ):
        if latest.kind == Revision.Kind.AUTOSAVE and kind != Revision.Kind.AUTOSAVE:
            # The autosave became a save: it must outlive autosave pruning.
            latest.kind = kind
            latest.save(update_fields=["kind"])
        return None
    revision = Revision.objects.create(
        post=post,
        author=user if user is not None and user.is_authenticated else None,
        kind=kind,
        title=post.title,
        content=post.content,
        metadata=metadata,
    )
    if kind == Revision.Kind.AUTOSAVE:
        revisions_prune(post=post)
    return revision


def revisions_prune(*, post: Post):
    """Deletes the post's autosaves older than its AUTOSAVES_KEPT newest."""
    autosaves = post.revisions.filter(kind=Revision.Kind.AUTOSAVE).order_by("-pk")
    stale = list(autosaves.values_list("pk", flat=True)[AUTOSAVES_KEPT:])
    if stale:
        Revision.objects.filter(pk__in=stale).delete()


def related_exists(field, pk) -> bool:
    return field.related_model._default_manager.filter(pk=pk).exists()


def restored_data(revision: Revision) -> dict:
    """The post's fields as the revision has them: title, text, and the metadata fields that
    still exist (status and publication time stay as they are)."""
    data = {"title": revision.title, "content": revision.content}
    for field in metadata_fields():
        if field.attname not in revision.metadata or field.name in NOT_RESTORED:
            continue
        if field.name.startswith("image_"):
            continue  # it describes the post's picture, which stays the current one
        value = field.to_python(revision.metadata[field.attname])
        if field.is_relation and value is not None and not related_exists(field, value):
            continue  # deleted since (a category): the post keeps its own
        data[field.attname] = value
    return data
