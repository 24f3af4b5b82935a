"""Feeds parse cleanly in feedparser, and the sitemaps are valid against the sitemaps.org schemas."""

from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from blog.tests.factories import CategoryFactory, PostFactory
from cblog.images.tests.factories import ImageFactory

DATA = Path(__file__).resolve().parents[1] / "data"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def posts(user):
    """Posts with what trips feeds up: markup, entities, non-ASCII, a picture, no category."""
    category = CategoryFactory(name="Food & Drink", slug="food-and-drink")
    posts = [
        PostFactory(
            author=user,
            category=category,
            title="Crème brûlée <for two> & more",
            content="**Bold**, <em>inline HTML</em>, a [link](https://example.com/?a=1&b=2).",
            image=ImageFactory(),
        ),
        PostFactory(author=user, category=None, title="Plain", content="Line one\n\nLine two"),
    ]
    posts[0].tags.set(["Desserts & <sweets>", "crème"])
    return posts


# Each feed, and the posts it lists, newest first (by their index in `posts`).
FEEDS = {
    "/feeds/rss/": [1, 0],
    "/feeds/atom/": [1, 0],
    "/feeds/rss/category/food-and-drink/": [0],
    "/feeds/atom/category/food-and-drink/": [0],
    "/feeds/rss/tag/crème/": [0],
    "/feeds/atom/tag/crème/": [0],
    "/feeds/rss/author/alice/": [1, 0],
    "/feeds/atom/author/alice/": [1, 0],
}


@pytest.mark.parametrize(("path", "listed"), FEEDS.items(), ids=list(FEEDS))
def test_feed_parses_cleanly_in_feedparser(client, posts, path, listed):
    response = client.get(path)

    headers = {name.lower(): value for name, value in response.headers.items()}
    feed = feedparser.parse(response.content, response_headers=headers)

    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == [posts[index].title for index in listed]
    assert feed.feed.title and feed.feed.link.startswith("http://testserver/")


def valid(document, schema_name):
    schema = etree.XMLSchema(etree.parse(DATA / schema_name))
    assert schema.validate(document), schema.error_log
    return document


def test_sitemap_index_and_its_sitemaps_are_valid_against_the_sitemaps_org_schemas(client, posts):
    index = valid(etree.fromstring(client.get("/sitemap.xml").content), "siteindex.xsd")

    sections = [
        valid(etree.fromstring(client.get(urlsplit(loc.text).path).content), "sitemap.xsd")
        for loc in index.iterfind("sm:sitemap/sm:loc", SITEMAP_NS)
    ]

    urls = [url for section in sections for url in section.iterfind("sm:url", SITEMAP_NS)]
    assert len(urls) == len(posts) + 3  # the posts, their one category and two tags


def test_a_blog_without_tags_or_categories_lists_no_empty_sitemap(client, db):
    PostFactory(category=None)

    index = valid(etree.fromstring(client.get("/sitemap.xml").content), "siteindex.xsd")

    locations = [urlsplit(loc.text) for loc in index.iterfind("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert {location.path for location in locations} == {"/sitemap-posts.xml"}
    last = locations[-1]  # the page of the highest id, which holds the post
    valid(etree.fromstring(client.get(f"{last.path}?{last.query}").content), "sitemap.xsd")
