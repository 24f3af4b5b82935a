"""The failover page stands alone: no third-party requests, accessible markup, every asset present."""

import re
from html.parser import HTMLParser

import pytest

from .conftest import DEPLOY

pytestmark = pytest.mark.deploy

SITE = DEPLOY / "failover"


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def page():
    parser = Page()
    parser.feed((SITE / "index.html").read_text())
    return parser.tags


def test_page_makes_no_third_party_request():
    for path in SITE.iterdir():
        assert not re.search(
            r"(https?:)?//[a-z0-9]", path.read_text().replace("http://www.w3.org/2000/svg", "")
        ), path


def test_page_declares_language_viewport_and_title(page):
    tags = dict(page)
    assert tags["html"]["lang"] == "en"
    metas = [attrs for tag, attrs in page if tag == "meta"]
    assert any(m.get("name") == "viewport" and "width=device-width" in m["content"] for m in metas)
    assert "title" in tags and "h1" in tags


def test_every_image_has_alt_text_and_every_asset_exists(page):
    for tag, attrs in page:
        if tag == "img":
            assert "alt" in attrs
        reference = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        if reference:
            assert (SITE / reference.lstrip("/")).is_file(), reference


def test_the_page_asks_crawlers_not_to_index_it_since_the_s3_website_answers_200(page):
    # The secondary (an S3 website) cannot answer 503, so a crawler must not take the page for
    # the site; CloudFront's error responses carry the origin's 5xx themselves.
    metas = [attrs for tag, attrs in page if tag == "meta"]
    assert {"name": "robots", "content": "noindex"} in metas
