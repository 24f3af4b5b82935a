"""Post cards come from the cache, yet every list shows each post as it is now."""

import runpy
from pathlib import Path

import pytest

from blog import services
from blog.cards import BODY_TEMPLATE, ROW_TEMPLATE
from blog.comments.services import comment_create
from blog.models import Post
from blog.tests.factories import CategoryFactory, PostFactory

SETTINGS = Path(__file__).resolve().parents[2] / "cblog" / "settings.py"


def bodies_rendered(response) -> int:
    return [template.name for template in response.templates].count(BODY_TEMPLATE)


@pytest.fixture
def posts(user):
    category = CategoryFactory(name="Travel", slug="travel")
    return PostFactory.create_batch(3, author=user, category=category)


def test_a_list_renders_each_card_body_once_then_reuses_it(client, posts):
    assert bodies_rendered(client.get("/")) == 3
    assert bodies_rendered(client.get("/")) == 0


def test_a_kept_list_page_draws_its_cards_once(client, posts, settings):
    settings.FRAGMENT_CACHE_SECONDS = 300
    drawn = [[template.name for template in client.get("/").templates] for _ in range(2)]

    assert [names.count(ROW_TEMPLATE) for names in drawn] == [1, 0]


def test_a_list_without_posts_says_so(client, db):
    CategoryFactory(name="Empty", slug="empty")

    assert "No posts here yet." in client.get("/category/empty/").text


def test_every_list_shares_the_cached_cards(client, posts):
    client.get("/")
    assert bodies_rendered(client.get("/category/travel/")) == 0
    assert bodies_rendered(client.get("/author/alice/")) == 0


def test_signed_in_readers_get_the_cards_rendered_for_anonymous_ones(client, posts, other_user):
    client.get("/")
    client.force_login(other_user)
    response = client.get("/")
    assert bodies_rendered(response) == 0
    assert other_user.username in response.text  # the header is still the reader's own


def test_an_edited_post_shows_on_the_next_read(client, posts):
    client.get("/")
    services.post_update(post=posts[0], data={"title": "Harbour lights at dawn"})
    response = client.get("/")
    assert "Harbour lights at dawn" in response.text
    assert bodies_rendered(response) == 1


def test_a_renamed_author_shows_on_the_next_read(client, posts, user):
    client.get("/")
    user.username = "alice_walker"
    user.save()  # the posts themselves do not change
    assert client.get("/").text.count("alice_walker") == 3


def test_a_renamed_category_shows_on_the_next_read(client, posts):
    client.get("/")
    posts[0].category.name = "Journeys"
    posts[0].category.save()
    assert client.get("/").text.count("Journeys") == 4  # three cards and the category menu


def test_an_unpublished_post_shows_as_a_draft_on_its_authors_list(client, posts, user):
    client.force_login(user)
    client.get("/")
    Post.objects.filter(pk=posts[0].pk).update(status=Post.Status.DRAFT)
    assert "Draft</span>" in client.get("/drafts/").text


def test_likes_and_comments_stay_exact_while_cards_come_from_the_cache(client, posts, other_user):
    post = posts[0]
    Post.objects.filter(pk__in=[p.pk for p in posts[1:]]).update(like_count=7)
    assert "0 likes" in client.get("/").text
    services.like_toggle(post=post, user=other_user)
    comment_create(post=post, author=post.author, content="Thanks for reading.")
    response = client.get("/")
    assert bodies_rendered(response) == 0
    assert "1 like ·" in response.text
    assert "0 likes" not in response.text
    assert "1 comment ·" in response.text


@pytest.mark.parametrize(
    ("custom_domain", "longest"),
    [("", 3600 - 1), ("media.example.com", 86400)],
)
def test_cards_with_signed_picture_urls_expire_before_the_urls_do(
    monkeypatch, custom_domain, longest
):
    # django-storages signs URLs for an hour (querystring_expire) when there is no custom domain.
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "bucket")
    monkeypatch.setenv("AWS_S3_CUSTOM_DOMAIN", custom_domain)
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    monkeypatch.delenv("CARD_CACHE_SECONDS", raising=False)
    settings = runpy.run_path(str(SETTINGS))
    assert settings["CARD_CACHE_SECONDS"] <= longest
