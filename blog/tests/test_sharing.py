"""What link previews, search engines and feed readers read: canonical links, Open Graph and
Twitter tags, JSON-LD, and picture URLs that never expire."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from blog.tests.factories import CategoryFactory, PostFactory
from cblog.images.tests.factories import ImageFactory
from users.tests.factories import UserFactory

SITE = "http://testserver"


class HeadReader(HTMLParser):
    """Collects <link rel>, <meta property|name> and JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.links, self.meta, self.json_ld = [], {}, []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and (key := attrs.get("property") or attrs.get("name")):
            self.meta.setdefault(key, []).append(attrs.get("content"))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag):
        self._in_json_ld = False


def head(response) -> HeadReader:
    assert response.status_code == 200
    reader = HeadReader()
    reader.feed(response.text)
    return reader


def canonicals(response):
    return [link["href"] for link in head(response).links if link.get("rel") == "canonical"]


@pytest.fixture
def post(user):
    return PostFactory(
        author=user,
        title="A walk by the river",
        slug="a-walk-by-the-river",
        category=CategoryFactory(name="Travel", slug="travel"),
        image=ImageFactory(),
        published_at=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
    )


PUBLIC_PAGES = [
    "/",
    "/post/a-walk-by-the-river/",
    "/category/travel/",
    "/author/alice/",
    "/search/?q=river",
    "/users/login/",
    "/users/register/",
    "/users/password-reset/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_one_absolute_canonical_link(client, post, path):
    assert canonicals(client.get(path)) == [f"{SITE}{path}"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_open_graph_and_twitter_tags(client, post, path):
    meta = head(client.get(path)).meta

    for key in ("og:site_name", "og:type", "og:title", "og:description", "og:url"):
        assert len(meta.get(key, [])) == 1, key
        assert meta[key][0], key
    assert meta["og:site_name"] == ["cblog"]
    assert meta["og:url"] == [f"{SITE}{path}"]
    assert len(meta["twitter:card"]) == 1


def test_canonical_link_drops_unknown_parameters_and_the_first_page_number(client, post):
    assert canonicals(client.get("/?utm_source=x&page=1")) == [f"{SITE}/"]
    assert canonicals(client.get("/search/?q=river&ref=mail")) == [f"{SITE}/search/?q=river"]


def test_canonical_link_of_a_later_page_keeps_its_number(client, post):
    PostFactory.create_batch(10, author=post.author)

    assert canonicals(client.get("/?page=2")) == [f"{SITE}/?page=2"]


def test_canonical_link_names_the_site_domain(client, post, settings):
    settings.SITE_DOMAIN = "blog.example.com"
    settings.ALLOWED_HOSTS = ["testserver", "blog.example.com"]

    assert canonicals(client.get("/category/travel/")) == [
        "http://blog.example.com/category/travel/"
    ]


def test_post_page_is_an_article_with_its_dates_section_and_picture(client, post):
    meta = head(client.get(post.get_absolute_url())).meta

    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == [post.title]
    assert meta["article:published_time"] == ["2026-03-04T05:06:07+0000"]
    assert meta["article:section"] == ["Travel"]
    assert meta["article:author"] == [f"{SITE}/author/alice/"]
    assert meta["og:image"] == [f"{SITE}/media/{post.image.display.name}"]
    assert meta["og:image:width"] == ["1200"]
    assert meta["og:image:alt"] == ["Picture for “A walk by the river”"]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["twitter:image:alt"] == meta["og:image:alt"]


def test_post_without_picture_has_a_summary_card_and_no_image_tags(client, user):
    post = PostFactory(author=user, image=None)

    meta = head(client.get(post.get_absolute_url())).meta

    assert meta["twitter:card"] == ["summary"]
    assert "og:image" not in meta
    assert "og:image:alt" not in meta


def test_picture_alt_text_is_the_authors_when_the_post_has_one(client, post):
    post.image_alt = "Willows over brown water"
    if not hasattr(type(post), "image_alt"):
        pytest.skip("posts have no alt text field")
    post.save()

    meta = head(client.get(post.get_absolute_url())).meta

    assert meta["og:image:alt"] == ["Willows over brown water"]


def test_post_page_describes_itself_as_a_blog_posting_with_author_and_dates(client, post):
    post.author.first_name, post.author.last_name = "Alice", "Liddell"
    post.author.save()

    (data,) = head(client.get(post.get_absolute_url())).json_ld

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == post.title
    assert data["url"] == f"{SITE}/post/a-walk-by-the-river/"
    assert data["author"] == {
        "@type": "Person",
        "name": "Alice Liddell",
        "url": f"{SITE}/author/alice/",
    }
    assert data["datePublished"] == "2026-03-04T05:06:07+00:00"
    assert datetime.fromisoformat(data["dateModified"]) >= post.published_at
    assert data["image"]["url"] == f"{SITE}/media/{post.image.display.name}"


def test_list_pages_carry_no_json_ld(client, post):
    assert head(client.get("/")).json_ld == []


def test_a_title_cannot_close_the_json_ld_block(client, user):
    post = PostFactory(author=user, title="</script><script>alert(1)</script> & <b>")

    response = client.get(post.get_absolute_url())

    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.text)
    assert "<" not in block and ">" not in block
    assert json.loads(block)["headline"] == post.title


# Stable URLs: with S3 and no CloudFront domain, the storage presigns every URL it gives.


def presigned(url):
    return "X-Amz-Signature" in urlsplit(url).query


@pytest.mark.django_db
def test_open_graph_and_json_ld_pictures_are_never_presigned(client, s3_media):
    post = PostFactory(author=UserFactory(), image=ImageFactory())
    page = client.get(post.get_absolute_url())
    assert presigned(re.search(r'<img class="post-hero[^>]* src="([^"]+)"', page.text)[1]), (
        "the storage under test must presign"
    )

    reader = head(page)
    (data,) = reader.json_ld

    stable = f"{SITE}/media/{post.image.display.name}"
    assert reader.meta["og:image"] == [stable]
    assert reader.meta["twitter:image"] == [stable]
    assert data["image"]["url"] == stable


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/feeds/rss/", "/feeds/atom/"])
def test_feed_pictures_are_stable_public_urls(client, s3_media, path):
    post = PostFactory(author=UserFactory(), image=ImageFactory())

    response = client.get(path)

    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    # The whole text, where the picture is: RSS content:encoded, Atom content.
    bodies = [
        element.text for element in root.iter() if element.tag.endswith(("encoded", "content"))
    ]
    sources = [src for body in bodies if body for src in re.findall(r'<img src="([^"]+)"', body)]
    assert sources == [f"{SITE}/media/{post.image.display.name}"]


def test_the_page_for_a_host_not_allowed_has_no_canonical_link(client, post):
    response = client.get("/", HTTP_HOST="evil.example.net")

    assert response.status_code == 400
    assert 'rel="canonical"' not in response.text
    assert "evil.example.net" not in response.text
