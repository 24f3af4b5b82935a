"""Every throttle, behind CloudFront and the ALB: the limit holds whatever the visitor puts in
X-Forwarded-For, and a visitor who spoofs somebody else's address does not use up their limit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from blog.models import Comment, Post
from blog.tests.factories import PostFactory
from cblog.images.tests.files import make_jpeg
from users.tests.factories import TEST_PASSWORD, StaffFactory

ALB, CLOUDFRONT = "10.10.1.5", "130.176.1.2"
VISITOR, OTHER_VISITOR = "203.0.113.7", "198.51.100.9"
LIMIT = 2
NO_LIMIT = "1000/h"


def via_cdn(visitor, spoofed):
    """Headers of a request that came through CloudFront and the ALB, with a spoofed entry first."""
    return {"REMOTE_ADDR": ALB, "HTTP_X_FORWARDED_FOR": f"{spoofed}, {visitor}, {CLOUDFRONT}"}


@pytest.fixture(autouse=True)
def _behind_cloudfront_and_the_alb(settings):
    settings.TRUSTED_PROXY_HOPS = 2


def limit_only(settings, scope, key):
    settings.THROTTLE_RATES = {
        name: {k: (f"{LIMIT}/h" if (name, k) == (scope, key) else NO_LIMIT) for k in keys}
        for name, keys in settings.THROTTLE_RATES.items()
    }


def jpeg():
    return SimpleUploadedFile("photo.jpg", make_jpeg(64, 48), content_type="image/jpeg")


# Each throttled action: (scope, whether it needs a signed-in user, request(client, headers)).
def register(client, headers):
    return client.post("/users/register/", {"username": ""}, **headers)


def reset(client, headers, email="alice@example.com"):
    return client.post("/users/password-reset/", {"email": email}, **headers)


def write_post(client, headers):
    data = {"title": "Morning light", "content": "Hello", "status": "published"}
    return client.post("/post/new/", data, **headers)


def upload(client, headers):
    data = {
        "title": "Photo",
        "content": "Look",
        "status": "draft",
        "image": jpeg(),
        "image_alt": "A",
    }
    return client.post("/post/new/", data, **headers)


def comment(client, headers):
    post = Post.objects.get(slug="walk")
    return client.post(f"/post/{post.slug}/comment/", {"content": "Nice."}, **headers)


def like(client, headers):
    return client.post("/post/walk/like/", **headers)


ACTIONS = {
    "register": (register, False),
    "password-reset": (reset, False),
    "post": (write_post, True),
    "upload": (upload, True),
    "comment": (comment, True),
    "like": (like, True),
}


@pytest.fixture
def act(db, user, other_user):
    PostFactory(author=other_user, title="A walk", slug="walk")

    def act(scope, headers, who=user):
        action, signed_in = ACTIONS[scope]
        client = Client()
        if signed_in:
            client.force_login(who)
        return action(client, headers)

    return act


@pytest.mark.parametrize("scope", ACTIONS)
def test_a_spoofed_forwarded_for_neither_evades_the_address_limit_nor_locks_out_another(
    settings, act, scope
):
    limit_only(settings, scope, "ip")
    answers = [act(scope, via_cdn(VISITOR, f"192.0.2.{n}")).status_code for n in range(LIMIT + 1)]
    assert 429 not in answers[:LIMIT]
    assert answers[LIMIT] == 429
    assert act(scope, via_cdn(OTHER_VISITOR, VISITOR)).status_code != 429


@pytest.mark.parametrize("scope", [scope for scope, (_, signed_in) in ACTIONS.items() if signed_in])
def test_the_account_limit_holds_from_any_address_and_only_for_that_account(
    settings, act, other_user, scope
):
    limit_only(settings, scope, "user")
    visitors = [VISITOR, OTHER_VISITOR, "192.0.2.77"]
    answers = [act(scope, via_cdn(address, address)).status_code for address in visitors]
    assert 429 not in answers[:LIMIT]
    assert answers[LIMIT] == 429
    assert act(scope, via_cdn(VISITOR, VISITOR), who=other_user).status_code != 429


def test_password_reset_mails_one_inbox_a_limited_number_of_times_from_any_address(
    settings, act, user, mailoutbox
):
    limit_only(settings, "password-reset", "email")
    visitors = [VISITOR, OTHER_VISITOR, "192.0.2.77"]
    answers = [
        reset(Client(), via_cdn(a, a), email="ALICE@example.com ").status_code for a in visitors
    ]
    assert answers == [302] * LIMIT + [429]
    assert len(mailoutbox) == LIMIT
    assert reset(Client(), via_cdn(VISITOR, VISITOR), email="bob@example.com").status_code == 302


def test_a_throttled_post_shows_the_form_again_with_the_text_as_typed(settings, client, user):
    limit_only(settings, "post", "user")
    client.force_login(user)
    headers = via_cdn(VISITOR, VISITOR)
    for _ in range(LIMIT):
        write_post(client, headers)
    data = {"title": "My long essay", "content": "Words I do not want to lose", "status": "draft"}
    response = client.post("/post/new/", data, **headers)
    assert response.status_code == 429
    assert "You are doing that too often" in response.text
    assert "My long essay" in response.text
    assert "Words I do not want to lose" in response.text
    assert not Post.objects.filter(title="My long essay").exists()


def test_a_throttled_comment_shows_the_post_again_with_the_comment_as_typed(settings, act, user):
    limit_only(settings, "comment", "user")
    for _ in range(LIMIT):
        act("comment", via_cdn(VISITOR, VISITOR))
    client = Client()
    client.force_login(user)
    response = client.post("/post/walk/comment/", {"content": "A thoughtful reply"})
    assert response.status_code == 429
    assert "You are doing that too often" in response.text
    assert "A thoughtful reply" in response.text
    assert Comment.objects.count() == LIMIT


def test_posts_without_a_picture_do_not_count_as_uploads(settings, act):
    limit_only(settings, "upload", "user")
    answers = [act("post", via_cdn(VISITOR, VISITOR)).status_code for _ in range(LIMIT + 1)]
    assert 429 not in answers


def test_the_throttle_page_says_what_happened(settings, act):
    limit_only(settings, "like", "user")
    for _ in range(LIMIT):
        act("like", via_cdn(VISITOR, VISITOR))
    response = act("like", via_cdn(VISITOR, VISITOR))
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "wait a few minutes" in response.text


def test_throttles_can_be_switched_off(settings, act):
    limit_only(settings, "register", "ip")
    settings.RATELIMIT_ENABLE = False
    answers = {act("register", via_cdn(VISITOR, VISITOR)).status_code for _ in range(LIMIT + 1)}
    assert answers == {400}


def test_an_unreachable_redis_lets_requests_through_instead_of_failing(settings, act, caplog):
    from conftest import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "cblog.redis_cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    limit_only(settings, "register", "ip")
    answers = {act("register", via_cdn(VISITOR, VISITOR)).status_code for _ in range(LIMIT + 1)}
    assert answers == {400}
    assert "Redis unavailable" in caplog.text


# Sign-in lockout (django-axes), on the site and in the admin.

LOGIN_PAGES = ["/users/login/", "/admin/login/"]


def sign_in(page, username, password, headers):
    return Client().post(page, {"username": username, "password": password}, **headers)


@pytest.fixture
def accounts(settings, db):
    settings.AXES_FAILURE_LIMIT = LIMIT
    # Staff, so that a right password signs in on both pages.
    return StaffFactory(username="admin"), StaffFactory(username="editor")


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_failed_sign_ins_lock_the_account_from_every_address_and_only_that_account(accounts, page):
    for n in range(LIMIT):
        sign_in(page, "admin", "wrong", via_cdn(f"192.0.2.{n}", f"192.0.2.{n}"))
    locked = sign_in(page, "admin", TEST_PASSWORD, via_cdn(VISITOR, VISITOR))
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.text
    assert sign_in(page, "editor", TEST_PASSWORD, via_cdn(VISITOR, VISITOR)).status_code == 302


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_failed_sign_ins_lock_the_address_whatever_it_puts_in_forwarded_for(accounts, page):
    for n in range(LIMIT):
        sign_in(page, f"guess{n}", "wrong", via_cdn(VISITOR, f"192.0.2.{n}"))
    locked = sign_in(page, "editor", TEST_PASSWORD, via_cdn(VISITOR, "192.0.2.99"))
    assert locked.status_code == 429
    # Someone else who claims the locked address in their own header is not locked out.
    assert (
        sign_in(page, "editor", TEST_PASSWORD, via_cdn(OTHER_VISITOR, VISITOR)).status_code == 302
    )


def test_a_successful_sign_in_clears_the_failures(accounts):
    headers = via_cdn(VISITOR, VISITOR)
    for _ in range(LIMIT - 1):
        sign_in("/users/login/", "admin", "wrong", headers)
    assert sign_in("/users/login/", "admin", TEST_PASSWORD, headers).status_code == 302
    sign_in("/users/login/", "admin", "wrong", headers)
    assert sign_in("/users/login/", "admin", TEST_PASSWORD, headers).status_code == 302


def test_sign_in_works_without_lockout_when_redis_is_unreachable(settings, accounts):
    from axes.handlers.proxy import AxesProxyHandler

    from conftest import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "cblog.redis_cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    AxesProxyHandler.get_implementation(force=True)
    headers = via_cdn(VISITOR, VISITOR)
    failures = {sign_in("/users/login/", "admin", "wrong", headers).status_code for _ in range(3)}
    assert failures == {200}
    assert sign_in("/users/login/", "admin", TEST_PASSWORD, headers).status_code == 302


def test_avatar_uploads_are_throttled_too(settings, client, user):
    limit_only(settings, "upload", "user")
    client.force_login(user)
    data = {"email": user.email, "bio": "Hi"}
    answers = [
        client.post("/users/profile/", {**data, "avatar": jpeg()}, **via_cdn(VISITOR, VISITOR))
        for _ in range(LIMIT + 1)
    ]
    assert 429 not in [answer.status_code for answer in answers[:LIMIT]]
    assert answers[LIMIT].status_code == 429
    # A profile change without a picture is no upload.
    assert client.post("/users/profile/", data, **via_cdn(VISITOR, VISITOR)).status_code != 429


def test_a_throttled_avatar_upload_shows_the_profile_again_with_the_bio_as_typed(
    settings, client, user
):
    limit_only(settings, "upload", "user")
    client.force_login(user)
    headers = via_cdn(VISITOR, VISITOR)
    data = {"email": user.email, "bio": "Hi"}
    for _ in range(LIMIT):
        client.post("/users/profile/", {**data, "avatar": jpeg()}, **headers)
    typed = {**data, "bio": "Thirty years of walks by the river", "avatar": jpeg()}
    response = client.post("/users/profile/", typed, **headers)
    assert response.status_code == 429
    assert "You are doing that too often" in response.text
    assert "Thirty years of walks by the river" in response.text
    user.profile.refresh_from_db()
    assert user.profile.bio == "Hi"


def test_a_throttled_upload_is_never_decoded(settings, act, monkeypatch):
    import cblog.images.forms

    limit_only(settings, "upload", "user")
    for _ in range(LIMIT):
        act("upload", via_cdn(VISITOR, VISITOR))
    decoded = []
    monkeypatch.setattr(cblog.images.forms, "process_image", lambda *args: decoded.append(args))
    assert act("upload", via_cdn(VISITOR, VISITOR)).status_code == 429
    assert decoded == []
