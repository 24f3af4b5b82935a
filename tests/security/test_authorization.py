"""Who may do what: every URL of the contract, by method, for each role, in one table.

Roles: anonymous; other (signed in, not the author); author (of the post and the draft);
staff (is_staff, no permissions); superuser. 302 from a page that needs signing in is the
redirect to the sign-in page; 302 after a write is its success.
"""

import pytest
from django.db import transaction
from django.test import Client

from blog.models import Comment, Post
from conftest import own_cache_keys
from tests.security.conftest import ROLES
from users.tests.test_views import NEW_PASSWORD

POST_FORM = {"title": "Changed", "content": "New words", "status": "published"}
DATA = {
    "/post/new/": POST_FORM,
    "/post/{post}/edit/": POST_FORM,
    "/post/{draft}/edit/": POST_FORM,
    "/post/{post}/comment/": {"content": "Hello"},
    "/post/{draft}/comment/": {"content": "Hello"},
    "/users/register/": {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    },
    "/users/password-reset/": {"email": "author@example.com"},
    "/subscribe/": {"email": "reader@example.com"},
    "/contact/": {"name": "Reader", "email": "reader@example.com", "message": "Hello"},
    "/admin/blog/post/{post_pk}/delete/": {"post": "yes"},
}

AUTHORIZATION = [
    # method  path                                   anonymous other author staff superuser
    ("GET",  "/",                                    200, 200, 200, 200, 200),
    ("GET",  "/?page=2",                             404, 404, 404, 404, 404),
    ("GET",  "/post/new/",                           302, 200, 200, 200, 200),
    ("POST", "/post/new/",                           302, 302, 302, 302, 302),
    ("GET",  "/post/{post}/",                        200, 200, 200, 200, 200),
    ("GET",  "/post/{draft}/",                       404, 404, 200, 200, 200),
    ("GET",  "/post/{post}/edit/",                   302, 403, 200, 200, 200),
    ("POST", "/post/{post}/edit/",                   302, 403, 302, 302, 302),
    ("GET",  "/post/{draft}/edit/",                  302, 404, 200, 200, 200),
    ("POST", "/post/{draft}/edit/",                  302, 404, 302, 302, 302),
    ("GET",  "/post/{post}/delete/",                 302, 403, 200, 200, 200),
    ("POST", "/post/{post}/delete/",                 302, 403, 302, 302, 302),
    ("POST", "/post/{draft}/delete/",                302, 404, 302, 302, 302),
    ("GET",  "/post/{post}/like/",                   302, 405, 405, 405, 405),
    ("POST", "/post/{post}/like/",                   302, 302, 302, 302, 302),
    ("POST", "/post/{draft}/like/",                  302, 404, 404, 404, 404),
    ("GET",  "/post/{post}/comment/",                302, 405, 405, 405, 405),
    ("POST", "/post/{post}/comment/",                302, 302, 302, 302, 302),
    ("POST", "/post/{draft}/comment/",               302, 404, 404, 404, 404),
    ("GET",  "/comment/{comment}/delete/",           302, 403, 200, 200, 200),
    ("POST", "/comment/{comment}/delete/",           302, 403, 302, 302, 302),
    ("GET",  "/category/{category}/",                200, 200, 200, 200, 200),
    ("GET",  "/category/no-such-category/",          404, 404, 404, 404, 404),
    ("GET",  "/author/{author}/",                    200, 200, 200, 200, 200),
    ("GET",  "/author/{superuser}/",                 404, 404, 404, 404, 404),
    ("GET",  "/author/nobody/",                      404, 404, 404, 404, 404),
    ("GET",  "/search/?q=river",                     200, 200, 200, 200, 200),
    ("GET",  "/drafts/",                             302, 200, 200, 200, 200),
    ("GET",  "/archive/",                            200, 200, 200, 200, 200),
    ("GET",  "/archive/{year}/{month}/",             200, 200, 200, 200, 200),
    ("GET",  "/archive/1999/01/",                    404, 404, 404, 404, 404),
    ("GET",  "/archive/2026/13/",                    404, 404, 404, 404, 404),
    ("GET",  "/users/register/",                     200, 302, 302, 302, 302),
    ("POST", "/users/register/",                     302, 302, 302, 302, 302),
    ("GET",  "/users/login/",                        200, 302, 302, 302, 302),
    ("GET",  "/users/logout/",                       405, 405, 405, 405, 405),
    ("POST", "/users/logout/",                       302, 302, 302, 302, 302),
    ("GET",  "/users/profile/",                      302, 200, 200, 200, 200),
    ("GET",  "/subscribe/",                          200, 200, 200, 200, 200),
    ("POST", "/subscribe/",                          302, 302, 302, 302, 302),
    ("GET",  "/subscribe/?author={author}",          200, 200, 200, 200, 200),
    ("GET",  "/subscribe/?author={superuser}",       404, 404, 404, 404, 404),
    ("GET",  "/subscribe/confirm/{confirm}/",        200, 200, 200, 200, 200),
    ("POST", "/subscribe/confirm/{confirm}/",        200, 200, 200, 200, 200),
    ("GET",  "/subscribe/confirm/forged/",           400, 400, 400, 400, 400),
    ("GET",  "/subscribe/unsubscribe/{leave}/",      200, 200, 200, 200, 200),
    ("POST", "/subscribe/unsubscribe/{leave}/",      200, 200, 200, 200, 200),
    ("GET",  "/admin/subscriptions/subscription/",   302, 302, 302, 403, 200),
    ("GET",  "/about/",                              200, 200, 200, 200, 200),
    ("GET",  "/contact/",                            200, 200, 200, 200, 200),
    ("POST", "/contact/",                            302, 302, 302, 302, 302),
    ("GET",  "/admin/pages/sitepage/",               302, 302, 302, 403, 200),
    ("GET",  "/admin/pages/sitepage/add/",           302, 302, 302, 403, 403),
    ("GET",  "/admin/pages/contactmessage/",         302, 302, 302, 403, 200),
    ("GET",  "/users/unsubscribe/{unsubscribe}/",    200, 200, 200, 200, 200),
    ("POST", "/users/unsubscribe/{unsubscribe}/",    200, 200, 200, 200, 200),
    ("GET",  "/users/unsubscribe/forged/",           400, 400, 400, 400, 400),
    ("GET",  "/users/password-change/",              302, 200, 200, 200, 200),
    ("GET",  "/users/password-reset/",               200, 200, 200, 200, 200),
    ("POST", "/users/password-reset/",               302, 302, 302, 302, 302),
    ("GET",  "/users/password-reset/MQ/bad-token/",  200, 200, 200, 200, 200),
    ("GET",  "/feeds/rss/",                          200, 200, 200, 200, 200),
    ("GET",  "/feeds/atom/",                         200, 200, 200, 200, 200),
    ("GET",  "/feeds/rss/category/{category}/",      200, 200, 200, 200, 200),
    ("GET",  "/feeds/atom/category/{category}/",     200, 200, 200, 200, 200),
    ("GET",  "/feeds/rss/author/{author}/",          200, 200, 200, 200, 200),
    ("GET",  "/feeds/atom/author/{author}/",         200, 200, 200, 200, 200),
    ("GET",  "/feeds/rss/author/{superuser}/",       404, 404, 404, 404, 404),
    ("GET",  "/feeds/atom/tag/no-such-tag/",         404, 404, 404, 404, 404),
    ("GET",  "/sitemap.xml",                         200, 200, 200, 200, 200),
    ("GET",  "/robots.txt",                          200, 200, 200, 200, 200),
    ("GET",  "/healthz/",                            200, 200, 200, 200, 200),
    ("GET",  "/readyz/",                             200, 200, 200, 200, 200),
    ("GET",  "/admin/",                              302, 302, 302, 200, 200),
    ("GET",  "/admin/blog/post/",                    302, 302, 302, 403, 200),
    ("GET",  "/admin/blog/post/{post_pk}/change/",   302, 302, 302, 403, 200),
    ("POST", "/admin/blog/post/{post_pk}/delete/",   302, 302, 302, 403, 302),
    ("GET",  "/admin/users/user/",                   302, 302, 302, 403, 200),
    ("GET",  "/admin/blog/comment/",                 302, 302, 302, 403, 200),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        pytest.param(method, path, statuses, id=f"{method} {path}")
        for method, path, *statuses in AUTHORIZATION
    ],
)
def test_authorization(site, method, path, statuses):
    url = path.format(**site["names"])
    answered = {}
    for role in ROLES:
        # Each role meets the site as it was: its writes are rolled back, its throttle counts
        # forgotten.
        with own_cache_keys(), transaction.atomic():
            client = Client()
            if role in site["accounts"]:
                client.force_login(site["accounts"][role])
            response = client.get(url) if method == "GET" else client.post(url, DATA.get(path, {}))
            answered[role] = response.status_code
            transaction.set_rollback(True)

    assert answered == dict(zip(ROLES, statuses, strict=True))


def test_a_refused_edit_or_delete_changes_nothing(client_as, site):
    post = site["post"]
    client = client_as("other")

    client.post(f"/post/{post.slug}/edit/", POST_FORM)
    client.post(f"/post/{post.slug}/delete/")
    client.post(f"/comment/{site['names']['comment']}/delete/")

    assert Post.objects.get(pk=post.pk).title == "Published"
    assert Comment.objects.filter(pk=site["names"]["comment"]).exists()


def test_a_post_form_cannot_assign_another_author_or_counts(client_as, site):
    post = site["post"]
    other = site["accounts"]["other"]
    slug = post.slug

    client_as("author").post(
        f"/post/{post.slug}/edit/",
        {**POST_FORM, "author": other.pk, "view_count": 10**6, "slug": "hijacked"},
    )

    post.refresh_from_db()
    assert (post.author, post.slug) == (site["accounts"]["author"], slug)
    assert post.view_count < 10**6
