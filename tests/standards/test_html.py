"""Every page a person sees is valid HTML, by the W3C Nu Html Checker (the admin is Django's own).

The pages are rendered by the test client and checked in one run of vnu.jar, which npm installs
from tests/package.json (make lint / make test) and Debian's Java runs.
"""

import json
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from blog.services import post_update
from blog.subscriptions.models import Subscription
from blog.subscriptions.services import confirm_path
from blog.subscriptions.services import unsubscribe_path as subscription_unsubscribe_path
from blog.tests.factories import CommentFactory, PostFactory
from cblog.images.tests.factories import ImageFactory
from users.notifications import unsubscribe_path
from users.tests.factories import TEST_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "tests" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The pages that answer with something else than 200, and what they answer.
STATUS = {
    "post-new-invalid": 400,
    "register-invalid": 400,
    "400": 400,
    "403": 403,
    "403-csrf": 403,
    "404": 404,
    "413": 413,
    "413-post-form": 413,
    "429": 429,
    "429-post-form": 429,
    "429-comment": 429,
    "after-reply-refused": 400,
    "unsubscribe-invalid": 400,
    "subscribe-invalid": 400,
    "subscribe-confirm-invalid": 400,
    "contact-invalid": 400,
    "revisions-compare-invalid": 400,
    "500": 500,
    "503": 503,
}

pytestmark = pytest.mark.slow


@pytest.fixture
def site(db):
    """An author with a published post (picture, comments), a draft, and a second reader."""
    author = UserFactory(username="ada")
    post = PostFactory(
        author=author,
        title="A walk by the river",
        slug="a-walk-by-the-river",
        image=ImageFactory(),
        content=(
            "# Heading\n\nSome *Markdown*, a [link](https://example.com) and `code`.\n\n"
            "| day | walk |\n|:----|-----:|\n| Mon | 5 km |\n\n"
            "![river](/media/blog/river.jpg) ![pixel](https://tracker.example/p.png)\n\n"
            "> quoted\n\n- a list\n  - nested\n\n```python\nprint('<b>')\n```\n\n"
            # Raw HTML that would be invalid as typed: no alt, no src, an obsolete align.
            '<img src="/media/blog/lake.jpg"> <img alt="gone"> '
            '<img src="https://tracker.example/q.png" alt="raw">\n\n'
            "[![logo](https://tracker.example/l.png)](https://example.com)\n\n"
            '<table><tr><td align="center">raw cell</td></tr></table>'
        ),
    )
    post.tags.set(["rivers", "日本"])
    PostFactory.create_batch(11, author=author, category=post.category)  # a second page
    PostFactory(author=author, title="Unfinished", slug="unfinished", draft=True)
    comment = CommentFactory(post=post, author=UserFactory(username="bo"), content="Lovely *walk*.")
    CommentFactory(post=post, parent=comment, author=author, content="Thank you!")
    subscription = Subscription.objects.create(email="fan@example.com", author=author)
    return {"author": author, "post": post, "subscription": subscription}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def reset_confirm_path(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/users/password-reset/{uid}/{default_token_generator.make_token(user)}/"


def error_pages(site, monkeypatch):
    client = Client(raise_request_exception=False)
    pages = {
        "400": client.get("/", HTTP_HOST="not-an-allowed-host.example"),
        "413": client.post("/post/new/", b"", "text/plain", CONTENT_LENGTH=str(10**12)),
        "413-post-form": signed_in(site["author"]).post(
            "/post/new/", b"", "text/plain", CONTENT_LENGTH=str(10**12)
        ),
        "500": client.get("/test/server-error/"),
    }
    monkeypatch.setattr("cblog.views.connection_usable", lambda: False)
    pages["503"] = client.get("/test/connection-lost/")
    return pages


def throttled_pages(site, settings):
    """The second of two POSTs over a limit of one, for a plain action and for forms."""
    settings.THROTTLE_RATES = {
        scope: dict.fromkeys(keys, "1/h") for scope, keys in settings.THROTTLE_RATES.items()
    }
    client, slug = signed_in(UserFactory(username="dee")), site["post"].slug
    requests = {
        "429": lambda: client.post(f"/post/{slug}/like/"),
        "429-post-form": lambda: client.post("/post/new/", {"title": "Again", "content": "x"}),
        "429-comment": lambda: client.post(f"/post/{slug}/comment/", {"content": "Again"}),
    }
    pages = {}
    for name, request in requests.items():
        request()
        pages[name] = request()
    return pages


def rendered_pages(site):
    """{name: (response)} for every page a reader, a blogger or a visitor who errs sees."""
    anonymous, author = Client(), signed_in(site["author"])
    reader = signed_in(UserFactory(username="cy"))
    post = site["post"]
    category, slug = post.category.slug, post.slug
    for content in ("A <b>first</b> text\nkept", "A second text\nkept"):
        post_update(post=post, data={"content": content}, editor=site["author"])
    new, old = post.revisions.all()[:2]
    return {
        "home": anonymous.get("/"),
        "home-page-2": anonymous.get("/?page=2"),
        "post": anonymous.get(f"/post/{slug}/"),
        "post-as-reader": reader.get(f"/post/{slug}/"),
        "post-as-author": author.get(f"/post/{slug}/"),
        "category": anonymous.get(f"/category/{category}/"),
        "tag": anonymous.get("/tag/rivers/"),
        "tag-unicode": anonymous.get("/tag/日本/"),
        "author": anonymous.get("/author/ada/"),
        "search": anonymous.get("/search/?q=river"),
        "search-empty": anonymous.get("/search/?q=nothing+matches+this"),
        "search-blank": anonymous.get("/search/?q="),
        "search-no-words": anonymous.get("/search/?q=%21%3F"),
        "drafts": author.get("/drafts/"),
        "archive": anonymous.get("/archive/"),
        "archive-month": anonymous.get(f"/archive/{post.published_at:%Y/%m}/"),
        "post-new": author.get("/post/new/"),
        "post-new-invalid": author.post("/post/new/", {"title": ""}),
        "post-edit": author.get(f"/post/{slug}/edit/"),
        "post-edit-draft": author.get("/post/unfinished/edit/"),
        "post-delete": author.get(f"/post/{slug}/delete/"),
        "revisions": author.get(f"/post/{slug}/revisions/"),
        "revisions-compare": author.get(
            f"/post/{slug}/revisions/compare/?old={old.pk}&new={new.pk}"
        ),
        "revisions-compare-invalid": author.get(f"/post/{slug}/revisions/compare/?old=x"),
        "revision-restore": author.get(f"/post/{slug}/revisions/{old.pk}/restore/"),
        "after-comment": reader.post(f"/post/{slug}/comment/", {"content": "Thanks!"}, follow=True),
        "after-reply-refused": reader.post(
            f"/post/{slug}/comment/", {"content": "Hi", "parent": "999999"}
        ),
        "subscribe": anonymous.get("/subscribe/"),
        "subscribe-author": anonymous.get("/subscribe/?author=ada"),
        "subscribe-invalid": Client().post("/subscribe/", {"email": "not an address"}),
        "subscribe-sent": Client().post("/subscribe/", {"email": "new@example.com"}, follow=True),
        "subscribe-confirm": anonymous.get(confirm_path(site["subscription"])),
        "subscribe-confirmed": anonymous.post(confirm_path(site["subscription"])),
        "subscribe-confirm-invalid": anonymous.get("/subscribe/confirm/forged/"),
        "about": anonymous.get("/about/"),
        "contact": anonymous.get("/contact/"),
        "contact-invalid": Client().post("/contact/", {"email": "not an address"}),
        "contact-sent": Client().post(
            "/contact/", {"name": "Eve", "email": "eve@example.com", "message": "Hi"}, follow=True
        ),
        "subscription-unsubscribe": anonymous.get(
            subscription_unsubscribe_path(site["subscription"])
        ),
        "unsubscribe": anonymous.get(unsubscribe_path(site["author"], "notify_comments")),
        "unsubscribe-done": anonymous.post(unsubscribe_path(site["author"], "notify_comments")),
        "unsubscribe-invalid": anonymous.get("/users/unsubscribe/forged/"),
        "comment-delete": author.get(f"/comment/{post.comments.first().pk}/delete/"),
        "register": anonymous.get("/users/register/"),
        "register-invalid": Client().post(
            "/users/register/", {"username": "x", "password1": "a", "password2": "b"}
        ),
        "login": Client().get("/users/login/"),
        "login-invalid": Client().post(
            "/users/login/", {"username": "ada", "password": "not " + TEST_PASSWORD}
        ),
        "profile": author.get("/users/profile/"),
        "password-change": author.get("/users/password-change/"),
        "password-change-done": author.get("/users/password-change/done/"),
        "password-reset": anonymous.get("/users/password-reset/"),
        "password-reset-done": anonymous.get("/users/password-reset/done/"),
        "password-reset-confirm": Client().get(reset_confirm_path(site["author"]), follow=True),
        "password-reset-bad-link": anonymous.get("/users/password-reset/MQ/bad-token/"),
        "password-reset-complete": anonymous.get("/users/password-reset/complete/"),
        "404": anonymous.get("/no/such/page/"),
        "403": reader.get(f"/post/{slug}/edit/"),
        "403-csrf": Client(enforce_csrf_checks=True).post("/users/login/"),
    }


@pytest.mark.urls("cblog.tests.urls_for_errors")
def test_every_page_a_person_sees_is_valid_html(site, settings, monkeypatch, tmp_path):
    assert VNU.exists(), f"{VNU} is missing: run `make lint` (npm ci in tests/)"
    pages = {
        **rendered_pages(site),
        **throttled_pages(site, settings),
        **error_pages(site, monkeypatch),
    }
    for name, response in pages.items():
        assert response.status_code == STATUS.get(name, 200), name
        assert response["Content-Type"].startswith("text/html"), name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    # The page Route 53 fails over to when the whole site is down.
    (tmp_path / "failover.html").write_bytes(
        (ROOT / "deploy" / "failover" / "index.html").read_bytes()
    )

    result = subprocess.run(
        ["java", "-jar", VNU, "--format", "json", "--exit-zero-always", "--stdout", tmp_path],
        capture_output=True,
        text=True,
        check=True,
    )

    problems = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['type']} {m['message']}"
        f" ({m.get('extract', '').strip()})"
        for m in json.loads(result.stdout)["messages"]
    ]
    assert not problems, "\n".join(problems)
