"""Enqueueing jobs: every background job is sent from here, once its write has committed."""

from django.db import transaction


def enqueue(task, **kwargs):
    """Sends `task` to the queue after the current transaction commits (at once outside one), so
    that a worker never looks for rows that a rollback took away or that it cannot see yet.

    An unreachable queue is logged, never an error for the write that was already committed
    (`manage.py announce_posts` sends lost post announcements again).
    """

    def send():  # a function, not a partial: the robust hook logs failures by __qualname__
        task.delay(**kwargs)

    transaction.on_commit(send, robust=True)
