"""Writes on comments: adding one (held for approval when its writer is new), moderation."""

from django.db import transaction

from blog.comments.notifications import comment_announce
from blog.models import Comment, Post
from blog.services import post_counts_refresh


def comment_is_trusted(*, author, post: Post) -> bool:
    """Staff, the post's author, and anyone with an approved comment publish straight away;
    a new account's first comment waits for a moderator."""
    return (
        author.is_staff
        or author.pk == post.author_id
        or Comment.objects.filter(author=author, is_approved=True, is_hidden=False).exists()
    )


def comment_create(*, post: Post, author, content: str, parent: Comment | None = None) -> Comment:
    """Adds a comment; those it concerns hear of it once it is shown (now, or on approval)."""
    comment = Comment.objects.create(
        post=post,
        author=author,
        content=content,
        parent=parent,
        is_approved=comment_is_trusted(author=author, post=post),
    )
    comment_announce(comment=comment)
    return comment


def comments_set_hidden(*, comments, hidden: bool) -> int:
    """Hides or shows comments again (moderation); returns how many changed."""
    with transaction.atomic():
        post_ids = set(comments.values_list("post_id", flat=True))
        changed = comments.exclude(is_hidden=hidden).update(is_hidden=hidden)
        post_counts_refresh(post_ids=post_ids)
    return changed


def comments_approve(*, comments) -> int:
    """Publishes comments awaiting approval; returns how many were approved."""
    with transaction.atomic():
        waiting = list(comments.filter(is_approved=False).select_for_update())
        changed = Comment.objects.filter(pk__in=[c.pk for c in waiting]).update(
            is_approved=True, is_hidden=False
        )
        post_counts_refresh(post_ids={c.post_id for c in waiting})
        for comment in waiting:
            comment.is_approved, comment.is_hidden = True, False
            comment_announce(comment=comment)
    return changed


def comments_reject(*, comments) -> int:
    """Turns comments awaiting approval down: they stay hidden, out of the queue."""
    return comments_set_hidden(comments=comments.filter(is_approved=False), hidden=True)
