"""Readers follow the blog or an author by email: double opt-in, each new post once, one click out."""

import re
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from blog import services as blog_services
from blog.models import Post
from blog.subscriptions import services
from blog.subscriptions.models import Delivery, Subscription
from blog.tests.factories import PostFactory
from users.tests.factories import StaffFactory, UserFactory


@pytest.fixture
def author(db):
    author = UserFactory(username="ann")
    PostFactory(author=author, published_at=timezone.now() - timedelta(days=30))
    return author


def subscriber(email, author=None, confirmed=True):
    return Subscription.objects.create(
        email=email,
        author=author,
        confirmed_at=timezone.now() - timedelta(hours=1) if confirmed else None,
    )


def link_in(message, name):
    return re.search(rf"https?://[^\s]+/subscribe/{name}/[^\s/]+/", message.body).group(0)


# Subscribing


def test_subscribing_mails_a_confirmation_link_and_subscribes_nobody_yet(
    client, after_commit, settings, db
):
    settings.SITE_DOMAIN = "blog.example.com"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "blog.example.com"]
    response = after_commit(client.post, "/subscribe/", {"email": "Reader@Example.com"})

    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.confirmed_at) == ("reader@example.com", None)
    [message] = mail.outbox
    assert message.to == ["reader@example.com"]
    assert link_in(message, "confirm").startswith("http://blog.example.com/subscribe/confirm/")
    assert "Almost done" in client.get(response["Location"]).text


def test_the_answer_is_the_same_for_a_confirmed_address_and_no_mail_goes(client, after_commit, db):
    subscriber("reader@example.com")
    response = after_commit(
        client.post, "/subscribe/", {"email": "reader@example.com"}, follow=True
    )
    assert "Almost done" in response.text
    assert mail.outbox == []
    assert Subscription.objects.count() == 1


@pytest.mark.parametrize("email", ["", "not an address", "a@" + "b" * 300 + ".com"])
def test_a_bad_address_is_a_400_with_the_form_again(client, email, db):
    response = client.post("/subscribe/", {"email": email})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not Subscription.objects.exists()


def test_following_an_author_subscribes_to_that_author_only(client, author):
    response = client.get("/subscribe/?author=ann")
    assert "New posts by ann, by email" in response.text
    client.post("/subscribe/?author=ann", {"email": "fan@example.com"})
    assert Subscription.objects.get().author == author


@pytest.mark.parametrize("username", ["nobody", "root"])
def test_following_someone_without_a_published_post_is_a_404(client, db, username):
    StaffFactory(username="root")
    assert client.get(f"/subscribe/?author={username}").status_code == 404


def test_one_address_is_sent_few_confirmations(client, settings, db):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "subscribe": {"email": "2/h"}}
    statuses = [
        client.post("/subscribe/", {"email": "victim@example.com"}).status_code for _ in range(3)
    ]
    assert statuses == [302, 302, 429]


# Confirming


def test_the_confirm_link_asks_first_then_confirms(client, db):
    subscription = subscriber("reader@example.com", confirmed=False)
    path = services.confirm_path(subscription)

    assert "Confirm" in client.get(path).text
    assert Subscription.objects.get().confirmed_at is None

    response = client.post(path)
    assert "will receive new posts" in response.text
    assert Subscription.objects.get().confirmed_at is not None


@pytest.mark.parametrize("token", ["forged", "MQ:1abcde:xyz"])
def test_a_bad_confirm_link_is_a_400(client, db, token):
    response = client.post(f"/subscribe/confirm/{token}/")
    assert response.status_code == 400
    assert "not valid or has expired" in response.text


def test_a_confirm_link_expires_after_a_week(client, db, monkeypatch):
    subscription = subscriber("reader@example.com", confirmed=False)
    path = services.confirm_path(subscription)
    later = time.time() + 8 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.post(path).status_code == 400
    assert Subscription.objects.get().confirmed_at is None


# A new post


def test_a_published_post_is_mailed_to_the_blogs_and_its_authors_confirmed_subscribers(
    after_commit, author, settings
):
    settings.SITE_DOMAIN = "blog.example.com"
    subscriber("all@example.com")
    subscriber("fan@example.com", author=author)
    subscriber("unsure@example.com", confirmed=False)
    subscriber("elsewhere@example.com", author=UserFactory())

    post = after_commit(
        blog_services.post_create,
        author=author,
        data={"title": "Spring", "content": "Buds.", "status": "published"},
    )

    assert sorted(m.to[0] for m in mail.outbox) == ["all@example.com", "fan@example.com"]
    message = mail.outbox[0]
    assert message.subject == "Spring"
    assert f"http://blog.example.com/post/{post.slug}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_post_is_mailed_once_however_often_it_is_saved(after_commit, author):
    subscriber("all@example.com")
    post = after_commit(
        blog_services.post_create,
        author=author,
        data={"title": "Once", "content": "x", "status": "draft"},
    )
    assert mail.outbox == []
    for title in ["Once", "Once, edited"]:
        after_commit(
            blog_services.post_update,
            post=post,
            data={"title": title, "content": "x", "status": "published"},
        )
    assert len(mail.outbox) == 1
    assert services.post_announce(post_id=post.pk) == 0


def test_a_post_to_many_subscribers_is_mailed_in_jobs_of_a_bounded_batch(
    author, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "ANNOUNCE_BATCH", 3)
    emails = [f"reader{n}@example.com" for n in range(10)]
    for email in emails:
        subscriber(email)
    post = PostFactory(author=author)  # its own announcement is left uncommitted, never run

    with django_capture_on_commit_callbacks() as jobs:
        assert services.post_announce(post_id=post.pk) == 4
    mailed = []
    for job in jobs:
        job()
        mailed.append(len(mail.outbox) - sum(mailed))

    assert mailed == [3, 3, 3, 1]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(emails)
    assert services.post_announce(post_id=post.pk) == 0  # nobody left waiting


def test_an_old_post_saved_again_is_not_news(after_commit, author):
    subscriber("all@example.com")
    old = Post.objects.get(author=author)
    after_commit(old.save)
    assert mail.outbox == []


def test_the_sweep_announces_posts_that_became_public_without_their_job(after_commit, author):
    subscriber("all@example.com")
    post = PostFactory(author=author)  # its own job is lost with the test's transaction
    after_commit(call_command, "announce_posts", stdout=StringIO())
    assert [m.subject for m in mail.outbox] == [post.title]
    after_commit(call_command, "announce_posts", stdout=StringIO())
    assert len(mail.outbox) == 1


# Leaving


def test_one_click_unsubscribe_from_the_mail_client_stops_the_mails(after_commit, author):
    subscription = subscriber("all@example.com")
    client = Client(enforce_csrf_checks=True)
    path = services.unsubscribe_path(subscription)

    assert "Stop mails about new posts?" in client.get(path).text
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200

    assert not Subscription.objects.exists()
    after_commit(PostFactory, author=author)
    assert mail.outbox == []


def test_the_admin_lists_subscribers(client, author):
    subscriber("all@example.com")
    subscriber("fan@example.com", author=author, confirmed=False)
    client.force_login(StaffFactory())
    response = client.get("/admin/subscriptions/subscription/?confirmed=no")
    assert [s.email for s in response.context["cl"].result_list] == ["fan@example.com"]


# Racing workers


@pytest.mark.skipif(
    connection.vendor != "mysql", reason="SQLite takes one writer at a time: nothing to race"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_announcing_the_same_post_mail_each_subscriber_once():
    author = UserFactory()
    emails = [f"reader{n}@example.com" for n in range(20)]
    for email in emails:
        subscriber(email)
    post = PostFactory(author=author)
    Delivery.objects.all().delete()  # the save's own announcement ran inline: start again
    mail.outbox.clear()
    ids = Subscription.objects.order_by("pk").values_list("pk", flat=True)
    batch = {"post_id": post.pk, "first_id": ids.first(), "last_id": ids.last()}

    start = threading.Barrier(2)
    sent = []

    def worker():  # both given the same batch, as when a job is delivered twice
        start.wait()
        try:
            sent.append(services.post_announce_batch(**batch))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(sent) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails)
    assert Delivery.objects.filter(post=post).count() == 20


@pytest.fixture(params=["job_worker", "sqs_job_worker"], ids=["redis", "sqs"])
def worker(request, transactional_db):
    """A real worker: on Redis, as here and in the local stack; on SQS (moto), as in AWS."""
    return request.getfixturevalue(request.param)


def test_a_new_post_reaches_a_subscriber_through_the_worker(worker, smtp_sink):
    author = UserFactory(username="ann")
    subscriber("all@example.com")
    blog_services.post_create(
        author=author, data={"title": "By the worker", "content": "x", "status": "published"}
    )
    deadline = time.monotonic() + 60
    while not smtp_sink.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    [message] = smtp_sink.messages
    assert (message["To"], message["Subject"]) == ("all@example.com", "By the worker")
