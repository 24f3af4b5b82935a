import random
import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from blog.models import Post
from blog.sitemaps import PostSitemap
from blog.tests.factories import CategoryFactory, CommentFactory, LikeFactory, PostFactory
from cblog.images.tests.factories import ImageFactory
from users.tests.factories import UserFactory

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
CONTENT = {"content": "http://purl.org/rss/1.0/modules/content/"}
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
FEEDS = ["/feeds/rss/", "/feeds/atom/"]
# Queries a feed or the sitemap may run, whatever the number of posts: the sitemap index reads
# the highest post id, which id ranges hold a public post, and the other sections' sizes.
QUERY_BUDGET = 4


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 - our own output, not untrusted input


def feed_titles(response):
    root = parse(response)
    if root.tag == "rss":
        return [item.findtext("title") for item in root.findall("./channel/item")]
    return [
        entry.findtext("atom:title", namespaces=ATOM) for entry in root.findall("atom:entry", ATOM)
    ]


def sitemap_locations(response):
    root = parse(response)
    return [url.findtext("sm:loc", namespaces=SITEMAP) for url in root.findall("sm:url", SITEMAP)]


def posts_with_activity(count, author):
    """Published posts, each with a comment, a hidden comment and a like."""
    posts = PostFactory.create_batch(count, author=author)
    for post in posts:
        CommentFactory(post=post, author=author)
        CommentFactory(post=post, author=author, is_hidden=True)
        LikeFactory(post=post, user=author)
    return posts


@pytest.mark.parametrize("path", FEEDS)
def test_feed_lists_published_posts_and_never_drafts(client, post, draft, path):
    response = client.get(path)

    assert response.status_code == 200
    assert feed_titles(response) == [post.title]
    assert draft.title not in response.text


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/feeds/rss/", "application/rss+xml"), ("/feeds/atom/", "application/atom+xml")],
)
def test_feed_is_well_formed_xml_of_its_type(client, post, path, content_type):
    response = client.get(path)

    assert response["Content-Type"].startswith(content_type)
    parse(response)


@pytest.mark.parametrize("path", FEEDS)
def test_feed_keeps_markup_in_titles_well_formed(client, user, path):
    PostFactory(author=user, title="Fish & <chips>")

    assert feed_titles(client.get(path)) == ["Fish & <chips>"]


@pytest.mark.parametrize("path", FEEDS)
def test_feed_lists_the_newest_posts_first(client, user, path):
    now = timezone.now()
    ages = list(range(6))
    random.Random(7).shuffle(ages)
    for age in ages:
        PostFactory(author=user, title=f"{age} days old", published_at=now - timedelta(days=age))

    assert feed_titles(client.get(path)) == [f"{age} days old" for age in range(6)]


@pytest.mark.parametrize("path", FEEDS)
def test_feed_lists_at_most_the_20_newest_posts(client, user, path):
    now = timezone.now()
    for age in range(23):
        PostFactory(author=user, title=f"{age} days old", published_at=now - timedelta(days=age))

    titles = feed_titles(client.get(path))

    assert titles == [f"{age} days old" for age in range(20)]


def index_locations(response):
    root = parse(response)
    return [
        entry.findtext("sm:loc", namespaces=SITEMAP)
        for entry in root.findall("sm:sitemap", SITEMAP)
    ]


def post_page_location(number):
    # A page keeps its number, the range of ids it holds, whatever is published around it.
    return "http://testserver/sitemap-posts.xml" + (f"?p={number}" if number > 1 else "")


def test_sitemap_is_an_index_of_paginated_sections(client, post, monkeypatch):
    monkeypatch.setattr(PostSitemap, "limit", 2)
    posts = [post, *PostFactory.create_batch(4, author=post.author)]  # past two pages of two

    locations = index_locations(client.get("/sitemap.xml"))

    pages = sorted({(post.pk - 1) // 2 + 1 for post in posts})
    assert [location for location in locations if "sitemap-posts.xml" in location] == [
        post_page_location(number) for number in pages
    ]
    assert "http://testserver/sitemap-categories.xml" in locations


def test_sitemap_section_pages_split_posts_by_id_without_repeats(client, user, monkeypatch):
    monkeypatch.setattr(PostSitemap, "limit", 2)
    posts = PostFactory.create_batch(5, author=user)
    sections = index_locations(client.get("/sitemap.xml"))

    listed = []
    for location in sections:
        if "/sitemap-posts.xml" in location:
            listed += sitemap_locations(client.get(location))

    assert sorted(listed) == sorted(f"http://testserver{p.get_absolute_url()}" for p in posts)
    assert client.get(f"/sitemap-posts.xml?p={(posts[-1].pk - 1) // 2 + 2}").status_code == 404


def test_sitemap_lists_no_empty_page_where_drafts_and_deleted_posts_leave_id_gaps(
    client, user, monkeypatch
):
    monkeypatch.setattr(PostSitemap, "limit", 2)
    first = PostFactory(author=user)
    PostFactory.create_batch(5, author=user, draft=True)  # ids longer than two pages
    PostFactory(author=user, published_at=timezone.now() + timedelta(days=1))  # scheduled
    for deleted in PostFactory.create_batch(5, author=user):
        deleted.delete()
    last = PostFactory(author=user)

    post_pages = [
        location
        for location in index_locations(client.get("/sitemap.xml"))
        if "/sitemap-posts.xml" in location
    ]

    listed = [sitemap_locations(client.get(location)) for location in post_pages]
    assert all(listed), "every listed page holds a URL"
    assert sorted(url for page in listed for url in page) == sorted(
        f"http://testserver{p.get_absolute_url()}" for p in [first, last]
    )


def test_sitemap_page_of_drafts_only_is_not_found(client, user, monkeypatch):
    monkeypatch.setattr(PostSitemap, "limit", 2)
    drafts = PostFactory.create_batch(3, author=user, draft=True)
    PostFactory(author=user)

    assert client.get(post_page_location((drafts[1].pk - 1) // 2 + 1)).status_code == 404


def test_sitemap_lists_published_posts_and_not_drafts(client, post, draft):
    # Pages hold id ranges, and MariaDB's ids keep growing from one test to the next.
    response = client.get(f"/sitemap-posts.xml?p={(post.pk - 1) // PostSitemap.limit + 1}")

    locations = sitemap_locations(response)
    assert response.status_code == 200
    assert f"http://testserver{post.get_absolute_url()}" in locations
    assert not any(draft.slug in location for location in locations)


def test_sitemap_lists_only_categories_with_published_posts(client, user):
    published = PostFactory(author=user, category=CategoryFactory(slug="hiking")).category
    drafts_only = PostFactory(author=user, category=CategoryFactory(slug="baking"), draft=True)

    locations = sitemap_locations(client.get("/sitemap-categories.xml"))

    assert f"http://testserver{published.get_absolute_url()}" in locations
    assert f"http://testserver{drafts_only.category.get_absolute_url()}" not in locations


@pytest.mark.parametrize("path", [*FEEDS, "/sitemap.xml", "/sitemap-posts.xml?p={page}"])
def test_feeds_and_sitemap_run_the_same_queries_for_5_or_25_posts(
    client, user, path, django_assert_max_num_queries
):
    first = posts_with_activity(5, user)[0]
    path = path.format(page=(first.pk - 1) // PostSitemap.limit + 1)
    with django_assert_max_num_queries(QUERY_BUDGET) as few:
        client.get(path)

    posts_with_activity(20, user)
    with django_assert_max_num_queries(QUERY_BUDGET) as many:
        response = client.get(path)

    assert response.status_code == 200
    assert len(many) == len(few)


def feed_texts(response):
    """(description or summary, full content) of each item."""
    root = parse(response)
    if root.tag == "rss":
        return [
            (item.findtext("description"), item.findtext("content:encoded", namespaces=CONTENT))
            for item in root.findall("./channel/item")
        ]
    return [
        (
            entry.findtext("atom:summary", namespaces=ATOM),
            entry.findtext("atom:content", namespaces=ATOM),
        )
        for entry in root.findall("atom:entry", ATOM)
    ]


@pytest.mark.parametrize("path", FEEDS)
def test_feed_texts_escape_ampersands_and_angle_brackets_exactly_once(client, user, path):
    PostFactory(author=user, content="Tom & Jerry say 5 < 6")

    # Both are HTML to a reader: the excerpt, plain text, is escaped as HTML once.
    assert feed_texts(client.get(path)) == [
        ("Tom &amp; Jerry say 5 &lt; 6", "<p>Tom &amp; Jerry say 5 &lt; 6</p>")
    ]


@pytest.mark.parametrize("path", FEEDS)
def test_a_feed_item_gives_the_excerpt_as_its_summary_and_the_whole_text_as_its_content(
    client, user, path
):
    post = PostFactory(
        author=user,
        custom_excerpt="Three boats, one harbour.",
        content="First paragraph.\n\nSecond paragraph, **much** later.",
        image=ImageFactory(),
        image_alt="Masts at dusk",
    )

    (entry,) = feedparser.parse(client.get(path).content).entries

    assert entry.summary == "Three boats, one harbour."
    (content,) = entry.content
    assert content.type == "text/html"
    assert "<p>Second paragraph, <strong>much</strong> later.</p>" in content.value
    assert 'alt="Masts at dusk"' in content.value
    assert content.value.endswith(post.content_html)


# Feeds of a category and of an author

SCOPED_FEEDS = {
    "/feeds/rss/category/walks/": ["Ann walks", "Bob walks"],
    "/feeds/atom/category/walks/": ["Ann walks", "Bob walks"],
    "/feeds/rss/author/ann/": ["Ann walks", "Ann bakes"],
    "/feeds/atom/author/ann/": ["Ann walks", "Ann bakes"],
    "/feeds/rss/tag/coast/": ["Bob walks", "Ann bakes"],
    "/feeds/atom/tag/coast/": ["Bob walks", "Ann bakes"],
}


@pytest.fixture
def scoped(db):
    """Ann and Bob, posts in Walks and Baking, and Ann's draft and scheduled post in Walks; all
    but "Ann walks" tagged "coast"."""
    now = timezone.now()
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    walks, baking = CategoryFactory(slug="walks"), CategoryFactory(slug="baking")
    for author, category, title, when, draft in [
        (ann, baking, "Ann bakes", now - timedelta(2), False),
        (bob, walks, "Bob walks", now - timedelta(1), False),
        (ann, walks, "Ann's draft", None, True),
        (ann, walks, "Ann's plan", now + timedelta(1), False),
    ]:
        post = PostFactory(
            author=author, category=category, title=title, published_at=when, draft=draft
        )
        post.tags.set(["coast"])
    PostFactory(author=ann, category=walks, title="Ann walks", published_at=now)
    return {"ann": ann, "walks": walks}


@pytest.mark.parametrize(("path", "titles"), SCOPED_FEEDS.items(), ids=list(SCOPED_FEEDS))
def test_a_scoped_feed_lists_its_public_posts_newest_first(client, scoped, path, titles):
    response = client.get(path)

    assert response.status_code == 200
    assert feed_titles(response) == titles


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_category_feed_names_the_category_and_links_to_its_page(client, scoped, kind):
    root = parse(client.get(f"/feeds/{kind}/category/walks/"))

    if kind == "rss":
        title, link = root.findtext("./channel/title"), root.findtext("./channel/link")
    else:
        title = root.findtext("atom:title", namespaces=ATOM)
        link = root.find("atom:link[@rel='alternate']", ATOM).get("href")
    assert title.endswith(f"posts in {scoped['walks'].name}")
    assert link == "http://testserver/category/walks/"


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/rss/category/no-such-category/",
        "/feeds/atom/category/no-such-category/",
        "/feeds/rss/tag/no-such-tag/",
        "/feeds/rss/author/nobody/",
        "/feeds/atom/author/nobody/",
        "/feeds/rss/author/drafter/",
    ],
)
def test_a_feed_of_an_unknown_category_or_of_someone_without_public_posts_is_a_404(
    client, scoped, path
):
    PostFactory(author=UserFactory(username="drafter"), draft=True)

    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path", ["/feeds/rss/category/walks/", "/feeds/atom/author/ann/", "/feeds/rss/tag/coast/"]
)
def test_a_scoped_feed_lists_at_most_the_20_newest_posts(client, scoped, path):
    now = timezone.now()
    for age in range(23):
        post = PostFactory(
            author=scoped["ann"],
            category=scoped["walks"],
            title=f"{age} hours old",
            published_at=now - timedelta(hours=age, minutes=1),
        )
        post.tags.set(["coast"])
    newest = [] if "/tag/" in path else ["Ann walks"]  # the one post without the tag

    titles = feed_titles(client.get(path))

    assert titles == [*newest, *(f"{age} hours old" for age in range(23))][:20]


@pytest.mark.parametrize("path", list(SCOPED_FEEDS))
def test_a_scoped_feed_runs_the_same_queries_for_5_or_25_posts(
    client, scoped, path, django_assert_max_num_queries
):
    def add(count):
        for post in posts_with_activity(count, scoped["ann"]):
            Post.objects.filter(pk=post.pk).update(category=scoped["walks"])
            post.tags.set(["coast", "sea"])

    add(5)
    with django_assert_max_num_queries(QUERY_BUDGET + 1) as few:
        client.get(path)

    add(20)
    with django_assert_max_num_queries(QUERY_BUDGET + 1) as many:
        response = client.get(path)

    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("page", "feeds"),
    [
        ("/category/walks/", ["/feeds/rss/category/walks/", "/feeds/atom/category/walks/"]),
        ("/author/ann/", ["/feeds/rss/author/ann/", "/feeds/atom/author/ann/"]),
        ("/tag/coast/", ["/feeds/rss/tag/coast/", "/feeds/atom/tag/coast/"]),
    ],
)
def test_category_and_author_pages_announce_their_own_feeds(client, scoped, page, feeds):
    html = client.get(page).text
    head = html.split("</head>", 1)[0]

    for kind, feed in zip(["rss", "atom"], feeds, strict=True):
        assert f'<link rel="alternate" type="application/{kind}+xml"' in head
        assert f'href="{feed}"' in head
        assert f'<a href="{feed}"' in html  # and a visible link for readers
