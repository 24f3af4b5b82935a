"""The like and comment counts stored on each post stay exact through every kind of write."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blog import services
from blog.comments import services as comment_services
from blog.models import Comment, Post
from blog.tests.factories import CommentFactory, LikeFactory, PostFactory
from users.tests.factories import UserFactory


def counts(post):
    post = Post.objects.get(pk=post.pk)
    return post.like_count, post.comment_count


def test_liking_and_unliking_updates_the_stored_count(post, other_user):
    services.like_toggle(post=post, user=other_user)
    assert counts(post) == (1, 0)

    services.like_toggle(post=post, user=other_user)
    assert counts(post) == (0, 0)


def test_a_new_comment_is_counted(post):
    comment_services.comment_create(post=post, author=post.author, content="Thanks all.")
    assert counts(post) == (0, 1)


def test_a_comment_awaiting_approval_is_counted_once_approved(post, other_user):
    comment_services.comment_create(post=post, author=other_user, content="First!")
    assert counts(post) == (0, 0)

    comment_services.comments_approve(comments=Comment.objects.all())
    assert counts(post) == (0, 1)


def test_a_deleted_comment_is_no_longer_counted(post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    comment.delete()
    assert counts(post) == (0, 0)


def test_hidden_comments_are_not_counted_and_count_again_when_shown(post, other_user):
    CommentFactory.create_batch(3, post=post, author=other_user)

    first_two = Comment.objects.filter(
        pk__in=list(Comment.objects.values_list("pk", flat=True))[:2]
    )
    comment_services.comments_set_hidden(comments=first_two, hidden=True)
    assert counts(post) == (0, 1)

    comment_services.comments_set_hidden(comments=Comment.objects.all(), hidden=False)
    assert counts(post) == (0, 3)


def test_deleting_a_reader_removes_their_likes_and_comments_from_the_counts(post):
    reader = UserFactory()
    LikeFactory(post=post, user=reader)
    CommentFactory(post=post, author=reader)
    assert counts(post) == (1, 1)

    reader.delete()
    assert counts(post) == (0, 0)


def test_only_the_changed_posts_counts_move(user, other_user):
    first, second = PostFactory.create_batch(2, author=user)
    LikeFactory(post=first, user=other_user)
    assert counts(first) == (1, 0)
    assert counts(second) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_counts_from_existing_rows():
    executor = MigrationExecutor(connection)
    before = [("blog", "0005_rerender_posts_as_commonmark")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = UserFactory()  # the users app stays migrated
    post = old.get_model("blog", "Post").objects.create(
        title="Old", slug="old", author_id=user.pk, content="x", content_html="x", excerpt="x"
    )
    old.get_model("blog", "Like").objects.create(post_id=post.pk, user_id=user.pk)
    comments = old.get_model("blog", "Comment").objects
    comments.create(post_id=post.pk, author_id=user.pk, content="seen")
    comments.create(post_id=post.pk, author_id=user.pk, content="hidden", is_hidden=True)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Post.objects.values_list("like_count", "comment_count").get(pk=post.pk) == (1, 1)
