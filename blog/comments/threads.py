"""What a post page shows of its comments, in one query however many threads there are."""

from dataclasses import dataclass, field

from blog.models import Comment, Post


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def comment_threads(*, post: Post, user) -> tuple[list[Comment], list[Thread]]:
    """The comments `user` may see, flat in order, and grouped under their top-level comment.

    A reply whose top-level comment is not shown (hidden, awaiting approval) is not shown either.
    """
    comments = list(Comment.objects.shown_to(user).filter(post=post).select_related("author"))
    threads = {c.pk: Thread(c) for c in comments if c.parent_id is None}
    shown = []
    for comment in comments:
        comment.post = post  # who may delete it depends on the post's author
        if comment.parent_id is None:
            shown.append(comment)
        elif comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
            shown.append(comment)
    return shown, list(threads.values())
