"""Conversations: replies, moderation of new accounts, the honeypot, confirming a delete."""

import pytest

from blog.comments import services
from blog.comments.forms import SPAM_MESSAGE
from blog.models import Comment, Post
from blog.tests.factories import CommentFactory, PostFactory
from users.tests.factories import StaffFactory, UserFactory


@pytest.fixture
def reader(other_user, client):
    client.force_login(other_user)
    return client


@pytest.fixture
def thread(post):
    return CommentFactory(post=post, author=UserFactory(username="carol"), content="Top")


def comment_on(client, post, **data):
    return client.post(f"/post/{post.slug}/comment/", data)


# Replies


def test_a_reply_hangs_under_the_comment_it_answers(reader, post, thread):
    response = comment_on(reader, post, content="Agreed", parent=thread.pk)
    reply = Comment.objects.get(content="Agreed")
    assert reply.parent == thread
    assert response["Location"] == f"/post/{post.slug}/#comment-{reply.pk}"


def test_a_reply_to_a_reply_joins_the_same_thread(reader, post, thread):
    first = CommentFactory(post=post, parent=thread, content="First reply")
    comment_on(reader, post, content="Second reply", parent=first.pk)
    assert Comment.objects.get(content="Second reply").parent == thread


def test_a_reply_shows_under_its_comment_on_the_post_page(client, post, thread):
    CommentFactory(post=post, parent=thread, content="Indented answer")
    page = client.get(f"/post/{post.slug}/").text
    replies = page.index('class="comment-replies')
    assert page.index("Top") < replies < page.index("Indented answer")


@pytest.mark.parametrize("parent", ["elsewhere", "missing", "hidden", "not a number"])
def test_a_reply_to_a_comment_not_shown_on_this_post_is_refused(reader, post, thread, parent):
    ids = {
        "elsewhere": lambda: CommentFactory(post=PostFactory()).pk,
        "missing": lambda: 999_999,
        "hidden": lambda: CommentFactory(post=post, is_hidden=True).pk,
        "not a number": lambda: "abc",
    }
    before = Comment.objects.count()
    response = comment_on(reader, post, content="Hello", parent=ids[parent]())
    assert response.status_code == 400
    assert "parent" in response.context["comment_form"].errors
    assert Comment.objects.count() == before + (parent in ("elsewhere", "hidden"))


def test_a_reply_to_a_comment_awaiting_approval_is_refused_to_other_readers(reader, post):
    waiting = CommentFactory(post=post, is_approved=False)
    response = comment_on(reader, post, content="Hello", parent=waiting.pk)
    assert response.status_code == 400


def test_deleting_a_comment_deletes_its_replies_and_recounts(client, post, thread, user):
    CommentFactory.create_batch(2, post=post, parent=thread)
    client.force_login(user)
    client.post(f"/comment/{thread.pk}/delete/")
    assert not Comment.objects.exists()
    assert Post.objects.get(pk=post.pk).comment_count == 0


# Confirming a delete


def test_deleting_a_comment_asks_first_and_a_get_deletes_nothing(client, post, thread, user):
    CommentFactory(post=post, parent=thread)
    client.force_login(user)
    response = client.get(f"/comment/{thread.pk}/delete/")
    assert response.status_code == 200
    assert "Delete this comment?" in response.text
    assert "Its 1 reply will be deleted too." in response.text
    assert Comment.objects.count() == 2


def test_the_post_page_links_to_the_confirmation_not_a_one_click_delete(client, post, thread, user):
    client.force_login(user)
    page = client.get(f"/post/{post.slug}/").text
    assert f'href="/comment/{thread.pk}/delete/"' in page
    assert f'action="/comment/{thread.pk}/delete/"' not in page


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("other", 403)])
def test_the_confirmation_is_only_for_those_who_may_delete(
    client, thread, other_user, role, status
):
    if role == "other":
        client.force_login(other_user)
    assert client.get(f"/comment/{thread.pk}/delete/").status_code == status


# Moderation


def test_a_new_accounts_first_comment_waits_for_approval(reader, post):
    response = comment_on(reader, post, content="Hello from a new account")
    assert not Comment.objects.get().is_approved
    assert Post.objects.get(pk=post.pk).comment_count == 0
    page = reader.get(response["Location"]).text
    assert "once a moderator approves it" in page
    assert "Awaiting approval" in page and "Hello from a new account" in page


@pytest.mark.parametrize(
    ("viewer", "shown"), [("anonymous", False), ("other", False), ("staff", True)]
)
def test_a_comment_awaiting_approval_is_shown_only_to_its_writer_and_staff(
    client, post, viewer, shown
):
    CommentFactory(post=post, content="Pending words", is_approved=False)
    if viewer == "other":
        client.force_login(UserFactory())
    elif viewer == "staff":
        client.force_login(StaffFactory())
    assert ("Pending words" in client.get(f"/post/{post.slug}/").text) is shown


def test_once_approved_a_writers_next_comments_go_out_at_once(reader, post, other_user):
    comment_on(reader, post, content="First")
    services.comments_approve(comments=Comment.objects.all())
    comment_on(reader, post, content="Second")
    assert Comment.objects.get(content="Second").is_approved


@pytest.mark.parametrize("who", ["post author", "staff"])
def test_the_post_author_and_staff_are_never_held(client, post, who):
    client.force_login(post.author if who == "post author" else StaffFactory())
    comment_on(client, post, content="Welcome")
    assert Comment.objects.get().is_approved


def test_a_rejected_comment_stays_hidden_and_leaves_the_queue(post, other_user):
    comment = CommentFactory(post=post, author=other_user, is_approved=False)
    assert services.comments_reject(comments=Comment.objects.all()) == 1
    comment.refresh_from_db()
    assert comment.is_hidden and not comment.is_approved
    assert not services.comment_is_trusted(author=other_user, post=post)


# Spam


def test_a_filled_honeypot_is_refused_with_a_message_and_nothing_stored(reader, post):
    response = comment_on(reader, post, content="Cheap watches", website="http://spam.example")
    assert response.status_code == 400
    assert SPAM_MESSAGE in response.text
    assert not Comment.objects.exists()


def test_the_honeypot_is_out_of_sight_in_every_comment_form(reader, post, thread):
    page = reader.get(f"/post/{post.slug}/").text
    assert page.count('name="website"') == 2  # the new-comment form and the thread's reply form
    assert page.count('class="form-trap') == 2
