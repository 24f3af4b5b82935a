"""Who hears of a comment: the post's author of a new comment, a commenter of a reply to them."""

from django.db import transaction
from django.utils import timezone

from blog.comments import tasks
from blog.models import Comment
from cblog.jobs import enqueue
from cblog.mail import send_unsubscribable, site_url
from users.notifications import unsubscribe_path, wants


def comment_announce(*, comment: Comment) -> None:
    """Queues the notifications of a comment readers can see (approved, not hidden)."""
    if comment.is_approved and not comment.is_hidden:
        enqueue(tasks.comment_notify, comment_id=comment.pk)


def recipients(comment: Comment) -> list[tuple]:
    """(user, notification) pairs: each person once (a reply to the post's author is a reply),
    never the comment's own writer, only those who want that mail."""
    found = {}
    if comment.parent:
        found[comment.parent.author_id] = (comment.parent.author, "notify_replies")
    found.setdefault(comment.post.author_id, (comment.post.author, "notify_comments"))
    found.pop(comment.author_id, None)
    return [(user, kind) for user, kind in found.values() if wants(user, kind)]


def comment_notify(*, comment_id: int) -> int:
    """Mails the comment's notifications once, however often the job runs; returns how many.

    The comment is claimed by stamping `notified_at`, and the mails go out inside that
    transaction: a second run, or a second worker given the same job, waits on the row lock and
    then finds it taken. A failed send rolls the claim back, so that the retry sends again.
    """
    with transaction.atomic():
        claimed = Comment.objects.filter(
            pk=comment_id, notified_at__isnull=True, is_approved=True, is_hidden=False
        ).update(notified_at=timezone.now())
        if not claimed:
            return 0
        comment = Comment.objects.select_related("author", "post__author", "parent__author").get(
            pk=comment_id
        )
        people = recipients(comment)
        for user, kind in people:
            send_unsubscribable(
                to=user.email,
                subject=subject(comment, kind),
                body=body(comment),
                unsubscribe_path=unsubscribe_path(user, kind),
            )
    return len(people)


def subject(comment: Comment, kind: str) -> str:
    who, title = comment.author.get_username(), comment.post.title
    if kind == "notify_replies":
        return f"{who} replied to you on “{title}”"
    return f"{who} commented on “{title}”"


def body(comment: Comment) -> str:
    link = site_url(f"{comment.post.get_absolute_url()}#comment-{comment.pk}")
    return f"{comment.author.get_username()} wrote:\n\n{comment.content}\n\nRead and answer: {link}"
