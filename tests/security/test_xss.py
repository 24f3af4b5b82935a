"""Every payload of the corpus, in every place user text appears, runs nowhere: pages, feeds,
admin. A page passes when a browser would find nothing in it to run or to load from elsewhere."""

import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from blog.models import Category, Post
from blog.tests.factories import CommentFactory, PostFactory
from tests.security.markup import PAYLOADS, unsafe_markup
from users.models import Profile
from users.tests.factories import StaffFactory, UserFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def publish(payloads, first=0):
    """One post per payload: in its title, content and category name, a comment on it and its
    author's bio."""
    posts = []
    for number, payload in enumerate(payloads, start=first):
        author = UserFactory(username=f"writer{number}")
        Profile.objects.filter(user=author).update(bio=payload[:1000])
        category = Category.objects.create(name=f"{number} {payload}"[:60], slug=f"c{number}")
        post = PostFactory(
            author=author,
            category=category,
            title=payload[:200],
            content=payload,
            slug=f"p{number}",
        )
        CommentFactory(post=post, content=payload[:2000])
        posts.append(post)
    return posts


def assert_safe(response):
    assert response.status_code == 200, response.request["PATH_INFO"]
    problems = unsafe_markup(response.content.decode())
    assert not problems, (response.request["PATH_INFO"], problems)


def test_the_corpus_holds_at_least_90_payloads():
    assert len(PAYLOADS) >= 90


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href=" java&#x09;script:alert(1)">x</a>',
        '<svg><use href="data:image/svg+xml,x#y"/></svg>',
        '<p style="color:red">x</p>',
        '<meta http-equiv="refresh" content="0">',
    ],
)
def test_the_finder_sees_what_a_browser_would_run(markup):
    assert unsafe_markup(f"<p>{markup}</p>")


@pytest.mark.django_db
def test_no_payload_runs_on_the_pages_that_show_it(client):
    posts = publish(PAYLOADS)

    for post in posts:
        assert_safe(client.get(f"/post/{post.slug}/"))
        assert_safe(client.get(f"/author/{post.author.username}/"))
        assert_safe(client.get(f"/search/?q={quote(post.content[:100])}"))
    # Cards on the lists show titles, excerpts and category names.
    pages = Post.objects.count() // 10 + 1
    for page in range(1, pages + 1):
        assert_safe(client.get(f"/?page={page}"))


@pytest.mark.django_db
def test_no_payload_runs_in_the_form_that_edits_it(client):
    posts = publish(PAYLOADS)

    for post in posts:
        client.force_login(post.author)
        assert_safe(client.get(f"/post/{post.slug}/edit/"))


@pytest.mark.django_db
def test_no_payload_runs_in_feeds(client):
    # A feed holds the 20 newest posts: the corpus goes through it 20 at a time.
    for start in range(0, len(PAYLOADS), 20):
        Post.objects.all().delete()
        publish(PAYLOADS[start : start + 20], first=start)

        rss = ET.fromstring(client.get("/feeds/rss/").content)  # noqa: S314 (our own feed)
        atom = ET.fromstring(client.get("/feeds/atom/").content)  # noqa: S314

        # Readers render these as HTML; titles are plain text in both formats.
        html = [item.findtext("description") for item in rss.iter("item")]
        html += [entry.findtext(f"{ATOM}summary") for entry in atom.iter(f"{ATOM}entry")]
        assert len(html) == 2 * len(PAYLOADS[start : start + 20])
        for fragment in html:
            assert not unsafe_markup(fragment or ""), fragment


@pytest.mark.django_db
def test_no_payload_runs_in_the_admin(client):
    posts = publish(PAYLOADS)
    client.force_login(StaffFactory(username="root"))

    for path in ("/admin/blog/post/", "/admin/blog/comment/", "/admin/blog/category/"):
        for page in range(len(posts) // 100 + 1):
            assert_safe(client.get(f"{path}?p={page + 1}"))
    for post in posts:
        assert_safe(client.get(f"/admin/blog/post/{post.pk}/change/"))
        assert_safe(client.get(f"/admin/users/user/{post.author.pk}/change/"))
