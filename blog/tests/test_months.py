"""The archive's months and their counts stay exact through every write, without counting every
post: publish, unpublish, schedule, reschedule, delete (cascades too), and scheduled posts whose
time comes."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog import services
from blog.models import Post
from blog.months import published_months_rebuild
from blog.navigation import archive_months
from blog.tests.factories import PostFactory

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def at(month, day=1, year=2026):
    return datetime(year, month, day, 12, tzinfo=UTC)


def months():
    return [(row["month"].strftime("%Y-%m"), row["total"]) for row in archive_months()]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def post_in(month, day=1, **kwargs):
    return PostFactory(published_at=at(month, day), **kwargs)


def test_the_months_count_published_posts_newest_first_never_drafts(db, clock):
    post_in(1), post_in(3), post_in(3, day=5)
    PostFactory(draft=True)

    assert months() == [("2026-03", 2), ("2026-01", 1)]


def test_an_unpublished_or_deleted_post_leaves_its_month(db, clock):
    post_in(2)
    unpublished, deleted = post_in(2, day=3), post_in(1)

    services.posts_unpublish(posts=Post.objects.filter(pk=unpublished.pk))
    services.post_delete(post=deleted)

    assert months() == [("2026-02", 1)]
    services.posts_publish(posts=Post.objects.filter(pk=unpublished.pk))
    assert months() == [("2026-02", 2)]


def test_a_post_moved_to_another_month_leaves_the_old_one(db, clock):
    post = post_in(1)

    services.post_update(post=Post.objects.get(pk=post.pk), data={"published_at": at(2)})

    assert months() == [("2026-02", 1)]


def test_deleting_an_author_takes_their_posts_out_of_their_months(db, clock, user):
    post_in(1, author=user), post_in(2)

    user.delete()

    assert months() == [("2026-02", 1)]


def test_a_scheduled_post_counts_in_its_month_once_its_time_comes(db, clock):
    post_in(3, day=1)
    PostFactory(published_at=at(3, day=20))  # later this month
    PostFactory(published_at=at(4, day=2))  # next month

    assert months() == [("2026-03", 1)]
    clock.move_to(at(3, day=21))
    assert months() == [("2026-03", 2)]
    clock.move_to(at(4, day=3))
    assert months() == [("2026-04", 1), ("2026-03", 2)]


def test_a_month_whose_only_post_is_still_scheduled_is_not_listed(db, clock):
    post_in(2)
    PostFactory(published_at=at(3, day=20))

    assert months() == [("2026-02", 1)]


def test_a_rebuild_after_bulk_rows_counts_them(db, clock, user):
    Post.objects.bulk_create(
        Post(author=user, title=f"Bulk {n}", slug=f"bulk-{n}", status="published",
             published_at=at(1)) for n in range(3)
    )  # fmt: skip

    published_months_rebuild()

    assert months() == [("2026-01", 3)]


def test_the_months_are_read_without_counting_every_post(db, clock):
    for month in (1, 2, 3):
        post_in(month)

    with CaptureQueriesContext(connection) as queries:
        assert len(months()) == 3

    assert not any("GROUP BY" in query["sql"] for query in queries)
    assert len(queries) <= 2  # the stored months; this month's scheduled posts
