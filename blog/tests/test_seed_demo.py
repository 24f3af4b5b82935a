import io

from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from blog.models import Post, Tag
from users.models import User


def test_seed_demo_creates_users_and_posts_with_pictures(db):
    out = io.StringIO()
    call_command("seed_demo", posts=3, users=2, stdout=out, verbosity=0)
    assert User.objects.filter(username__startswith="demo").count() == 2
    assert Post.objects.count() == 3
    assert all(post.image and post.image.thumbnail_width == 480 for post in Post.objects.all())
    assert "Created 3 posts" in out.getvalue()


def test_seed_demo_can_run_twice_without_duplicate_users(db):
    call_command("seed_demo", posts=1, users=2, no_images=True, verbosity=0)
    call_command("seed_demo", posts=1, users=2, no_images=True, verbosity=0)
    assert User.objects.filter(username__startswith="demo").count() == 2
    assert Post.objects.count() == 2


def test_bulk_seeding_makes_the_asked_number_of_published_posts_plus_drafts(db):
    call_command("seed_demo", posts=12, users=3, bulk=True, verbosity=0)
    assert Post.objects.published().count() == 12
    assert Post.objects.drafts().count() == 2
    assert all(post.image.thumbnail.name.endswith("thumbnail.jpg") for post in Post.objects.all())
    assert len({post.slug for post in Post.objects.all()}) == 14


def test_bulk_seeding_twice_adds_posts_under_new_slugs(db):
    call_command("seed_demo", posts=6, users=2, bulk=True, no_images=True, verbosity=0)
    call_command("seed_demo", posts=6, users=2, bulk=True, no_images=True, verbosity=0)
    assert Post.objects.published().count() == 12


def test_bulk_seeding_tags_posts_with_a_few_shared_tags(db):
    call_command("seed_demo", posts=60, users=3, bulk=True, no_images=True, verbosity=0)
    tagged = Post.objects.filter(tags__isnull=False).distinct().count()
    assert 0 < tagged < 66
    assert Tag.objects.count() <= 12
    assert all(tag.key == tag.name.casefold() for tag in Tag.objects.all())


def test_bulk_seeding_stores_counts_that_match_the_comments_and_likes(db):
    call_command("seed_demo", posts=40, users=5, bulk=True, no_images=True, verbosity=0)
    posts = Post.objects.annotate(
        comments_found=Count("comments", distinct=True), likes_found=Count("likes", distinct=True)
    )
    assert all(
        (post.comment_count, post.like_count) == (post.comments_found, post.likes_found)
        for post in posts
    )
    assert sum(post.comment_count for post in posts) > 0


def test_bulk_seeding_outside_a_transaction_refreshes_the_index_statistics(transactional_db):
    statistics = {
        "sqlite": "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'blog_taggedpost'",
        "mysql": "SELECT COUNT(*) FROM mysql.innodb_table_stats WHERE database_name = DATABASE()"
        " AND table_name = 'blog_taggedpost' AND last_update >= NOW() - INTERVAL 1 MINUTE",
    }[connection.vendor]
    call_command("seed_demo", posts=6, users=2, bulk=True, no_images=True, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(statistics)
        assert cursor.fetchone()[0] >= 1
