"""Feeds parse cleanly in feedparser, and the sitemap is valid against the sitemaps.org schema."""

from pathlib import Path

import feedparser
import pytest
from lxml import etree

from blog.tests.factories import CategoryFactory, PostFactory
from cblog.images.tests.factories import ImageFactory

SITEMAP_XSD = Path(__file__).resolve().parents[1] / "data" / "sitemap.xsd"


@pytest.fixture
def posts(user):
    """Posts with what trips feeds up: markup, entities, non-ASCII, a picture, no category."""
    category = CategoryFactory(name="Food & Drink", slug="food-and-drink")
    return [
        PostFactory(
            author=user,
            category=category,
            title="Crème brûlée <for two> & more",
            content="**Bold**, <em>inline HTML</em>, a [link](https://example.com/?a=1&b=2).",
            image=ImageFactory(),
        ),
        PostFactory(author=user, category=None, title="Plain", content="Line one\n\nLine two"),
    ]


@pytest.mark.parametrize("path", ["/feeds/rss/", "/feeds/atom/"])
def test_feed_parses_cleanly_in_feedparser(client, posts, path):
    response = client.get(path)

    headers = {name.lower(): value for name, value in response.headers.items()}
    feed = feedparser.parse(response.content, response_headers=headers)

    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == [post.title for post in reversed(posts)]


def test_sitemap_is_valid_against_the_sitemaps_org_schema(client, posts):
    schema = etree.XMLSchema(etree.parse(SITEMAP_XSD))

    sitemap = etree.fromstring(client.get("/sitemap.xml").content)

    assert schema.validate(sitemap), schema.error_log
    assert len(sitemap) == len(posts) + 1  # the posts and their one category
