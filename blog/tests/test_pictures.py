"""Pictures in pages: <picture> with WebP sources, the first one eager, no S3 call to render."""

import re

import pytest
from botocore.client import BaseClient

from blog.tests.factories import CategoryFactory, PostFactory
from cblog.images.models import Image
from cblog.images.tests.factories import ImageFactory

WEBP = [
    {"name": f"blog/x/w{width}.webp", "type": "image/webp", "width": width, "height": width // 2}
    for width in (1200, 960, 640, 320)
]


def image_tags(html):
    return re.findall(r"<img [^>]*>", html)


def test_the_first_card_picture_is_fetched_first_and_the_others_lazily(client, user):
    for _ in range(3):
        PostFactory(author=user, image=ImageFactory(renditions=WEBP))

    first, *others = [tag for tag in image_tags(client.get("/").text) if "post-thumb" in tag]

    assert 'fetchpriority="high"' in first and "loading=" not in first
    assert len(others) == 2
    assert all('loading="lazy"' in tag and "fetchpriority" not in tag for tag in others)


def test_cards_after_the_first_ask_a_phone_for_a_picture_beside_the_text(client, user):
    for _ in range(2):
        PostFactory(author=user, image=ImageFactory(renditions=WEBP))

    page = client.get("/").text

    first, second = re.findall(r'<article class="([^"]+)"', page)
    assert "card-aside" not in first and "card-aside" in second
    lead, aside = [
        set(re.findall(r'sizes="([^"]+)"', tag))
        for tag in re.findall(r"<picture>.*?</picture>", page, re.S)
    ]
    assert lead == {"(min-width: 992px) 400px, (min-width: 768px) 50vw, 100vw"}
    assert aside == {
        "(min-width: 992px) 400px, (min-width: 768px) 50vw, (min-width: 576px) 100vw, 6rem"
    }


def test_cards_offer_webp_widths_before_the_jpeg_fallback(client, user):
    PostFactory(author=user, image=ImageFactory(renditions=WEBP))

    page = client.get("/").text

    picture = re.search(r"<picture>(.*?)</picture>", page, re.S)[1]
    source = re.search(r'<source type="image/webp" srcset="([^"]+)"', picture)[1]
    assert [entry.rsplit(" ", 1)[1] for entry in source.split(", ")] == [
        "1200w",
        "960w",
        "640w",
        "320w",
    ]
    assert picture.index("<source") < picture.index("<img")


def test_the_post_picture_is_eager_with_high_priority(client, user):
    post = PostFactory(author=user, image=ImageFactory(renditions=WEBP))

    (hero,) = [
        tag for tag in image_tags(client.get(post.get_absolute_url()).text) if "post-hero" in tag
    ]

    assert 'fetchpriority="high"' in hero and "loading=" not in hero
    assert 'width="1200" height="900"' in hero


def test_an_image_stored_before_renditions_shows_its_jpegs_alone(client, user):
    PostFactory(author=user, image=ImageFactory(renditions=[]))

    page = client.get("/").text

    assert "<source" not in page
    assert re.search(r"display\.jpg\S* 1200w", page)


@pytest.mark.django_db
def test_pages_with_pictures_render_without_asking_s3_anything(client, s3_media, monkeypatch):
    post = PostFactory(image=ImageFactory(renditions=WEBP))
    calls = []
    real_call = BaseClient._make_api_call
    monkeypatch.setattr(
        BaseClient,
        "_make_api_call",
        lambda self, name, params: calls.append(name) or real_call(self, name, params),
    )

    for path in ["/", post.get_absolute_url(), "/feeds/rss/"]:
        assert client.get(path).status_code == 200

    assert calls == []


def test_widths_added_to_a_stored_picture_show_in_its_cached_card(client, user):
    post = PostFactory(author=user, image=ImageFactory(renditions=[]))
    assert "<source" not in client.get("/").text

    Image.objects.filter(pk=post.image_id).update(renditions=WEBP)

    assert '<source type="image/webp"' in client.get("/").text


def test_a_card_first_on_one_list_is_lazy_where_it_comes_second(client, user):
    travel = CategoryFactory(name="Travel", slug="travel")
    PostFactory(author=user, image=ImageFactory(renditions=WEBP), category=travel)
    PostFactory(author=user, image=ImageFactory(renditions=WEBP))
    client.get("/category/travel/")  # the older post's card, cached as its list's first

    first, second = [tag for tag in image_tags(client.get("/").text) if "post-thumb" in tag]

    assert 'fetchpriority="high"' in first
    assert 'loading="lazy"' in second and "fetchpriority" not in second
