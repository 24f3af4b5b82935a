"""Who is told of a comment, by a mail sent through the job queue, and how they stop it."""

import time

import pytest
from django.core import mail
from django.test import Client

from blog.comments import notifications, services
from blog.models import Comment
from blog.tests.factories import CommentFactory
from users.models import Profile
from users.notifications import unsubscribe_path
from users.tests.factories import UserFactory


@pytest.fixture
def announce(django_capture_on_commit_callbacks):
    """Runs the writes given, then what they queued for after the commit."""

    def run(write, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**kwargs)

    return run


@pytest.fixture
def regular(post):
    """A reader with an approved comment: their comments go out at once."""
    reader = UserFactory(username="dora", email="dora@example.com")
    CommentFactory(post=post, author=reader)
    return reader


def test_the_post_author_is_mailed_of_a_new_comment(announce, post, regular, settings):
    settings.SITE_DOMAIN = "blog.example.com"
    comment = announce(services.comment_create, post=post, author=regular, content="Lovely")

    [message] = mail.outbox
    assert message.to == [post.author.email]
    assert message.subject == f"dora commented on “{post.title}”"
    assert f"http://blog.example.com/post/{post.slug}/#comment-{comment.pk}" in message.body


def test_a_mail_has_a_one_click_unsubscribe_link_in_its_headers_and_text(
    announce, post, regular, settings
):
    settings.SITE_DOMAIN = "blog.example.com"
    announce(services.comment_create, post=post, author=regular, content="Lovely")

    [message] = mail.outbox
    link = f"http://blog.example.com{unsubscribe_path(post.author, 'notify_comments')}"
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body


def test_a_reply_mails_the_commenter_and_the_post_author_once_each(announce, post, regular):
    top = CommentFactory(post=post, author=UserFactory(username="carol"))
    announce(services.comment_create, post=post, author=regular, content="Yes", parent=top)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        top.author.email: f"dora replied to you on “{post.title}”",
        post.author.email: f"dora commented on “{post.title}”",
    }


def test_the_post_authors_reply_mails_only_the_commenter(announce, post):
    top = CommentFactory(post=post, author=UserFactory(username="carol"))
    announce(services.comment_create, post=post, author=post.author, content="Thanks", parent=top)
    assert [message.to for message in mail.outbox] == [[top.author.email]]


def test_a_reply_to_the_post_author_is_one_reply_mail(announce, post, regular):
    top = CommentFactory(post=post, author=post.author)
    announce(services.comment_create, post=post, author=regular, content="Hi", parent=top)
    [message] = mail.outbox
    assert "replied to you" in message.subject


def test_a_comment_awaiting_approval_is_announced_only_when_approved(announce, post, other_user):
    announce(services.comment_create, post=post, author=other_user, content="First!")
    assert mail.outbox == []

    announce(services.comments_approve, comments=Comment.objects.all())
    assert [message.to for message in mail.outbox] == [[post.author.email]]


@pytest.mark.parametrize("setting", ["notify_comments", "notify_replies"])
def test_nobody_is_mailed_what_they_turned_off(announce, post, regular, setting):
    top = CommentFactory(post=post, author=UserFactory(username="carol"))
    Profile.objects.update(**{setting: False})
    announce(services.comment_create, post=post, author=regular, content="Yes", parent=top)
    kinds = {"notify_comments": "commented", "notify_replies": "replied"}
    assert [m for m in mail.outbox if kinds[setting] in m.subject] == []
    assert len(mail.outbox) == 1


def test_the_job_sends_once_however_often_it_runs(post, regular):
    comment = CommentFactory(post=post, author=regular)
    assert notifications.comment_notify(comment_id=comment.pk) == 1
    assert notifications.comment_notify(comment_id=comment.pk) == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_is_sent_again_by_the_retry(post, regular, settings):
    comment = CommentFactory(post=post, author=regular)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    with pytest.raises(OSError):
        notifications.comment_notify(comment_id=comment.pk)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.comment_notify(comment_id=comment.pk) == 1


# Unsubscribing


def test_an_unsubscribe_link_shows_a_button_and_changes_nothing_on_get(client, user):
    response = client.get(unsubscribe_path(user, "notify_comments"))
    assert response.status_code == 200
    assert "Stop mails about comments on your posts?" in response.text
    assert Profile.objects.get(user=user).notify_comments


def test_one_click_unsubscribe_works_from_the_mail_client_without_a_session_or_csrf(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_path(user, "notify_replies"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    profile = Profile.objects.get(user=user)
    assert (profile.notify_comments, profile.notify_replies) == (True, False)


@pytest.mark.parametrize("token", ["not-a-token", "W10:1abc:def"])
def test_a_forged_unsubscribe_link_is_a_400(client, db, token):
    response = client.post(f"/users/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "not valid" in response.text


def test_the_profile_turns_notifications_off_and_on(client, user):
    client.force_login(user)
    page = client.get("/users/profile/").text
    assert 'name="notify_comments"' in page and 'name="notify_replies"' in page
    data = {"first_name": "", "last_name": "", "email": user.email, "bio": ""}
    client.post("/users/profile/", {**data, "notify_replies": "on"})
    profile = Profile.objects.get(user=user)
    assert (profile.notify_comments, profile.notify_replies) == (False, True)


# Through the real queue


def test_a_reply_is_mailed_by_the_worker_through_the_queue(job_worker, smtp_sink):
    author = UserFactory(username="ann", email="ann@example.com")
    commenter = UserFactory(username="carl", email="carl@example.com")
    from blog.tests.factories import PostFactory

    post = PostFactory(author=author)
    top = CommentFactory(post=post, author=commenter)

    services.comment_create(post=post, author=author, content="Thanks!", parent=top)

    deadline = time.monotonic() + 60
    while not smtp_sink.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    [message] = smtp_sink.messages
    assert message["To"] == "carl@example.com"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Comment.objects.get(content="Thanks!").notified_at is not None


def test_an_unreachable_queue_loses_the_mail_but_not_the_comment(
    reader_of, post, regular, django_capture_on_commit_callbacks
):
    from cblog.celery import app
    from conftest import reset_connections

    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:9/0")
    reset_connections(app)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = reader_of(regular).post(f"/post/{post.slug}/comment/", {"content": "Hi"})
    finally:
        app.conf.update(task_always_eager=True, broker_url="memory://")
        reset_connections(app)
    assert response.status_code == 302
    assert Comment.objects.filter(content="Hi").exists()
    assert mail.outbox == []


@pytest.fixture
def reader_of(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
