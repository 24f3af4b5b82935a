"""What a writer adds around the text: the picture's alt text and caption, an excerpt, an SEO
title and description, the post's address, and a time to publish at."""

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import feedparser
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from blog import services
from blog.models import Post
from blog.tests.factories import PostFactory
from cblog.images.tests.factories import ImageFactory
from cblog.images.tests.files import make_jpeg

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
FORM = {"title": "Harbour lights", "content": "Boats at night.", "status": "published"}


@pytest.fixture
def writer(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def jpeg():
    return SimpleUploadedFile("photo.jpg", make_jpeg(64, 48), content_type="image/jpeg")


def meta(page, name):
    found = re.search(rf'<meta (?:name|property)="{name}" content="([^"]*)">', page)
    return unescape(found.group(1)) if found else None


def json_ld(page):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


# The picture's alt text and caption


def test_a_picture_without_alt_text_is_a_400_that_asks_for_it_and_stores_nothing(writer):
    response = writer.post("/post/new/", {**FORM, "image": jpeg()})

    assert response.status_code == 400
    assert "Describe the picture for people who cannot see it" in response.text
    assert not Post.objects.exists()


def test_a_decorative_picture_needs_no_alt_text_and_gets_an_empty_one(writer, client):
    writer.post(
        "/post/new/",
        {**FORM, "image": jpeg(), "image_alt": "Ignored", "image_decorative": "on"},
    )

    post = Post.objects.get()
    page = client.get(post.get_absolute_url()).text
    assert post.image_alt == ""
    assert re.search(r'<img class="post-hero"[^>]*alt=""', page, re.S)
    assert meta(page, "og:image:alt") is None


def test_the_alt_text_and_caption_show_on_the_card_the_post_page_and_previews(writer, client):
    writer.post(
        "/post/new/",
        {
            **FORM,
            "image": jpeg(),
            "image_alt": "Masts against the dusk",
            "image_caption": "Mooring",
        },
    )

    post = Post.objects.get()
    page = client.get(post.get_absolute_url()).text
    card = client.get("/").text
    assert re.search(r'<img class="post-hero"[^>]*alt="Masts against the dusk"', page, re.S)
    assert re.search(
        r"<figure[^>]*>.*<figcaption[^>]*>Mooring</figcaption>\s*</figure>", page, re.S
    )
    assert re.search(r'<img class="card-img-top post-thumb"[^>]*alt="Masts against the dusk"', card)
    assert meta(page, "og:image:alt") == "Masts against the dusk"
    assert json_ld(page)["image"]["caption"] == "Mooring"


def test_a_cached_card_shows_the_alt_text_changed_since(client, user):
    post = PostFactory(author=user, image=ImageFactory(), image_alt="Boats")
    client.get("/")

    services.post_update(post=post, data={"image_alt": "Masts at dusk"})

    assert 'alt="Masts at dusk"' in client.get("/").text


def test_a_kept_picture_still_needs_its_alt_text_when_the_post_is_edited(writer, user):
    post = PostFactory(author=user, image=ImageFactory(), image_alt="Boats")

    response = writer.post(f"/post/{post.slug}/edit/", {**FORM, "image_alt": ""})

    assert response.status_code == 400
    post.refresh_from_db()
    assert post.image_alt == "Boats"


def test_removing_the_picture_needs_no_alt_text(writer, user):
    post = PostFactory(author=user, image=ImageFactory(), image_alt="Boats")

    response = writer.post(f"/post/{post.slug}/edit/", {**FORM, "image-clear": "on"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.image is None


def test_feeds_carry_the_alt_text_and_the_caption(client, user):
    PostFactory(author=user, image=ImageFactory(), image_alt="Masts", image_caption="Mooring")

    entry = feedparser.parse(client.get("/feeds/atom/").content).entries[0]

    assert 'alt="Masts"' in entry.content[0].value
    assert "Mooring" in entry.content[0].value


# Excerpt, SEO title and description


def test_without_metadata_every_place_falls_back_to_the_title_and_the_texts_start(client, user):
    post = PostFactory(author=user, title="Harbour lights", content="Boats at night, rocking.")

    page = client.get(post.get_absolute_url()).text

    assert "<title>Harbour lights · " in page
    assert meta(page, "description") == "Boats at night, rocking."
    assert meta(page, "og:title") == "Harbour lights"
    assert meta(page, "og:description") == "Boats at night, rocking."
    assert json_ld(page)["headline"] == "Harbour lights"
    assert json_ld(page)["description"] == "Boats at night, rocking."


def test_an_excerpt_replaces_the_texts_start_on_cards_and_in_descriptions(writer, client):
    writer.post("/post/new/", {**FORM, "excerpt": "  Lights on the  water. "})

    post = Post.objects.get()
    page = client.get(post.get_absolute_url()).text
    assert post.excerpt == post.custom_excerpt == "Lights on the water."
    assert "Lights on the water." in client.get("/").text
    assert meta(page, "description") == "Lights on the water."
    assert json_ld(page)["description"] == "Lights on the water."


def test_seo_title_and_description_lead_the_page_head_and_json_ld(writer, client):
    writer.post(
        "/post/new/",
        {**FORM, "meta_title": "Night harbour guide", "meta_description": "Where to see boats."},
    )

    post = Post.objects.get()
    page = client.get(post.get_absolute_url()).text
    assert "<title>Night harbour guide · " in page
    assert '<h1 class="display-6">Harbour lights</h1>' in page  # the page keeps its title
    assert meta(page, "og:title") == "Night harbour guide"
    assert meta(page, "description") == "Where to see boats."
    assert meta(page, "og:description") == "Where to see boats."
    assert json_ld(page)["headline"] == "Night harbour guide"


def test_the_form_marks_the_fields_that_get_a_character_counter(writer):
    page = writer.get("/post/new/").text

    for name, limit in (("excerpt", 300), ("meta_title", 60), ("meta_description", 155)):
        field = re.search(rf'<(?:input|textarea) [^>]*name="{name}"[^>]*>', page)[0]
        assert f'data-counter="{limit}"' in field


def test_overlong_metadata_is_a_400_with_a_message(writer):
    response = writer.post("/post/new/", {**FORM, "meta_description": "x" * 301})

    assert response.status_code == 400
    assert "at most 300 characters" in response.text


# The address


def test_a_new_post_takes_the_slug_asked_for(writer):
    writer.post("/post/new/", {**FORM, "slug": "night-boats"})

    assert Post.objects.get().slug == "night-boats"


def test_a_slug_another_post_has_is_a_400_with_a_message(writer, user):
    PostFactory(author=user, slug="night-boats")

    response = writer.post("/post/new/", {**FORM, "slug": "night-boats"})

    assert response.status_code == 400
    assert "Another post has this address" in response.text


def test_a_reserved_slug_is_a_400(writer):
    response = writer.post("/post/new/", {**FORM, "slug": "new"})

    assert response.status_code == 400
    assert "is the address of one of the site" in unescape(response.text)


def test_a_draft_can_change_its_slug_until_it_is_published(writer, draft):
    writer.post(f"/post/{draft.slug}/edit/", {**FORM, "status": "draft", "slug": "better-words"})

    draft.refresh_from_db()
    assert draft.slug == "better-words"


def test_a_published_post_keeps_its_slug_and_says_why(writer, post):
    page = writer.get(f"/post/{post.slug}/edit/").text
    assert re.search(r'<input[^>]*name="slug"[^>]*disabled', page)
    assert "Readers have seen this post at this address" in page

    writer.post(f"/post/{post.slug}/edit/", {**FORM, "title": "Another title", "slug": "other"})

    post.refresh_from_db()
    assert (post.title, post.slug) == ("Another title", "a-walk-by-the-river")


def test_a_post_taken_back_to_draft_keeps_its_slug(writer, post):
    writer.post(f"/post/{post.slug}/edit/", {**FORM, "status": "draft"})
    writer.post(f"/post/{post.slug}/edit/", {**FORM, "status": "draft", "slug": "moved"})

    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert post.slug == "a-walk-by-the-river"


def test_a_post_that_turned_public_by_its_time_alone_keeps_its_slug(clock, user):
    post = PostFactory(author=user, slug="moonrise", published_at=NOW + timedelta(hours=1))
    assert not post.slug_locked

    clock.move_to(NOW + timedelta(hours=2))
    services.post_update(post=post, data={"status": Post.Status.DRAFT, "slug": "elsewhere"})

    post.refresh_from_db()
    assert (post.slug, post.was_public) == ("moonrise", True)


# Scheduling


def test_the_draft_form_offers_save_draft_schedule_and_publish(writer):
    page = writer.get("/post/new/").text

    buttons = re.findall(r'<button type="submit"[^>]*name="status" value="(\w+)"', page)
    assert buttons == ["draft", "scheduled", "published"]


def test_schedule_publishes_the_post_at_its_time(writer, clock):
    writer.post("/post/new/", {**FORM, "status": "scheduled", "publish_at": "2026-05-01T12:30"})

    post = Post.objects.get()
    assert post.is_scheduled
    assert post.published_at == datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("publish_at", "message"),
    [("2026-05-01T08:59", "has passed: choose a time in the future"), ("", "Choose the date")],
)
def test_scheduling_in_the_past_or_without_a_time_is_a_400_with_a_message(
    writer, clock, publish_at, message
):
    response = writer.post("/post/new/", {**FORM, "status": "scheduled", "publish_at": publish_at})

    assert response.status_code == 400
    assert message in response.text
    assert not Post.objects.exists()


def test_the_author_sees_scheduled_for_on_their_drafts_list(writer, clock, user):
    PostFactory(author=user, title="Moonrise", published_at=NOW + timedelta(days=1))

    page = writer.get("/drafts/").text

    assert re.search(r"Scheduled for</span> <time[^>]*>2 May 2026, 09:00</time>", page)
