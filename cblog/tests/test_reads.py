"""Reads that write nothing: anonymous pages set no cookie and store no session; pages for a
signed-in user are marked private."""

import pytest
from django.contrib.sessions.models import Session

from blog.tests.factories import CategoryFactory, PostFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
PUBLIC_PAGES = [
    "/",
    "/?page=1",
    "/post/a-walk/",
    "/category/walks/",
    "/author/alice/",
    "/search/?q=walk",
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap.xml",
    "/robots.txt",
    "/post/no-such-post/",
]


@pytest.fixture
def content(user):
    category = CategoryFactory(name="Walks", slug="walks")
    return PostFactory(author=user, title="A walk", slug="a-walk", category=category)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_an_anonymous_read_sets_no_cookie_and_stores_no_session(client, content, url):
    response = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert response.status_code in (200, 404)
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert not Session.objects.exists()


def test_counting_a_view_sets_no_cookie(client, content):
    response = client.get("/post/a-walk/", HTTP_USER_AGENT=BROWSER)
    content.refresh_from_db()
    assert content.view_count == 1
    assert not response.cookies


@pytest.mark.parametrize("url", ["/", "/post/a-walk/", "/drafts/", "/users/profile/"])
def test_pages_for_a_signed_in_user_are_private(client, content, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/", "/post/a-walk/"])
def test_anonymous_pages_are_not_marked_private(client, content, url):
    assert "private" not in client.get(url).get("Cache-Control", "")
