"""A small site to attack: an author with a published post and a draft, a reader's comment, a
staff member without permissions and a superuser, each of whom a test can become."""

import pytest

from blog.subscriptions.models import Subscription
from blog.subscriptions.services import confirm_path
from blog.subscriptions.services import unsubscribe_path as subscription_unsubscribe_path
from blog.tests.factories import CommentFactory, PostFactory
from users.notifications import unsubscribe_path
from users.tests.factories import StaffFactory, UserFactory

ROLES = ("anonymous", "other", "author", "staff", "superuser")


@pytest.fixture
def site(db):
    author = UserFactory(username="author")
    other = UserFactory(username="other")
    accounts = {
        "other": other,
        "author": author,
        "staff": UserFactory(username="staff", is_staff=True),
        "superuser": StaffFactory(username="root"),
    }
    post = PostFactory(author=author, title="Published")
    draft = PostFactory(author=author, title="Draft", draft=True)
    subscription = Subscription.objects.create(email="fan@example.com")
    comment = CommentFactory(post=post, author=UserFactory(username="commenter"))
    return {
        "accounts": accounts,
        "names": {
            "post": post.slug,
            "draft": draft.slug,
            "post_pk": post.pk,
            "comment": comment.pk,
            "category": post.category.slug,
            "author": author.username,
            "superuser": accounts["superuser"].username,
            "year": f"{post.published_at:%Y}",
            "month": f"{post.published_at:%m}",
            "unsubscribe": unsubscribe_path(author, "notify_comments").split("/")[-2],
            "confirm": confirm_path(subscription).split("/")[-2],
            "leave": subscription_unsubscribe_path(subscription).split("/")[-2],
        },
        "post": post,
    }


@pytest.fixture
def client_as(client, site):
    def become(role):
        if role in site["accounts"]:
            client.force_login(site["accounts"][role])
        return client

    return become
