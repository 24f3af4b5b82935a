"""Tags: typed as comma-separated names, one tag per name whatever its case, shown and listed."""

from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog import services
from blog.models import Post, Tag
from blog.tags import MAX_TAGS, tag_names
from blog.tests.factories import PostFactory

NEW_POST = {"title": "Harbour lights", "content": "Boats at night.", "status": "published"}


@pytest.fixture
def writer(client, user):
    client.force_login(user)
    return client


def tagged(author, *names, **fields):
    post = PostFactory(author=author, **fields)
    post.tags.set(list(names))
    return post


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("travel, Lisbon", ["travel", "Lisbon"]),
        ("  machine   learning ,#python,", ["machine learning", "python"]),
        ("Django, django, DJANGO", ["Django"]),
        ("Café, café, Straße, STRASSE", ["Café", "Straße"]),
        ("日本, 日本", ["日本"]),
        (" , ,", []),
    ],
)
def test_typed_names_are_split_on_commas_tidied_and_deduplicated_by_case(typed, names):
    assert tag_names(typed) == names


def test_a_post_is_saved_with_its_tags_in_the_services_transaction(user):
    post = services.post_create(
        author=user, data=NEW_POST.copy(), tags=["Travel", "Lisbon", "travel"]
    )

    assert sorted(post.tags.names()) == ["Lisbon", "Travel"]


@pytest.mark.parametrize(("first", "second"), [("Django", "django"), ("Ärger", "ÄRGER")])
def test_names_that_differ_only_in_case_are_one_tag_on_every_database(user, first, second):
    one = services.post_create(author=user, data=NEW_POST.copy(), tags=[first])
    two = services.post_create(author=user, data=NEW_POST.copy(), tags=[second])

    assert Tag.objects.count() == 1
    assert list(one.tags.all()) == list(two.tags.all())
    assert Tag.objects.get().name == first  # the first spelling is kept


def test_unicode_names_get_unicode_addresses(client, user):
    tagged(user, "日本の旅")

    tag = Tag.objects.get()
    assert tag.slug == "日本の旅"
    assert "日本の旅" in client.get(tag.get_absolute_url()).text


def test_a_name_of_signs_only_still_gets_an_address(client, user):
    tagged(user, "!!!")

    assert client.get(Tag.objects.get().get_absolute_url()).status_code == 200


def test_a_failure_while_tagging_leaves_no_post_behind(user, monkeypatch):
    def broken(names):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("blog.models.tags_for_names", broken)

    with pytest.raises(RuntimeError):
        services.post_create(author=user, data=NEW_POST.copy(), tags=["travel"])
    assert not Post.objects.exists()


def test_an_update_without_tags_keeps_them_and_an_empty_list_clears_them(user):
    post = tagged(user, "travel")

    services.post_update(post=post, data={"title": "New title"})
    assert list(post.tags.names()) == ["travel"]

    services.post_update(post=post, data={}, tags=[])
    assert list(post.tags.names()) == []


def test_the_form_saves_tags_and_shows_them_when_editing(writer):
    writer.post("/post/new/", {**NEW_POST, "tags": "travel, Lisbon"})

    post = Post.objects.get()
    assert sorted(post.tags.names()) == ["Lisbon", "travel"]
    page = writer.get(f"/post/{post.slug}/edit/").text
    assert 'value="Lisbon, travel"' in page


def test_too_many_tags_are_a_400_with_a_message_and_nothing_stored(writer):
    names = ", ".join(f"tag {number}" for number in range(MAX_TAGS + 1))

    response = writer.post("/post/new/", {**NEW_POST, "tags": names})

    assert response.status_code == 400
    assert f"Use at most {MAX_TAGS} tags" in response.text
    assert not Post.objects.exists()
    assert not Tag.objects.exists()


def test_an_overlong_tag_is_a_400_with_a_message(writer):
    response = writer.post("/post/new/", {**NEW_POST, "tags": "x" * 51})

    assert response.status_code == 400
    assert "A tag has at most 50 characters" in response.text


def test_the_tag_page_lists_public_posts_only(client, user):
    public = tagged(user, "Rivers", title="Public river")
    tagged(user, "rivers", title="Draft river", draft=True)
    tagged(user, "rivers", title="Scheduled river", published_at=timezone.now() + timedelta(days=1))
    tagged(user, "lakes", title="A lake")

    response = client.get("/tag/rivers/")

    assert response.status_code == 200
    assert [post.pk for post in response.context["object_list"]] == [public.pk]
    assert "Posts tagged “Rivers”" in response.text


def test_the_tag_page_is_paginated_ten_a_page(client, user):
    for _ in range(12):
        tagged(user, "rivers")

    assert len(client.get("/tag/rivers/").context["object_list"]) == 10
    assert len(client.get("/tag/rivers/?page=2").context["object_list"]) == 2


def test_an_unknown_tag_is_a_404(client, db):
    assert client.get("/tag/nowhere/").status_code == 404


def test_cards_and_the_post_page_link_each_tag(client, user):
    post = tagged(user, "Rivers", "night walks")

    for page in (client.get("/").text, client.get(post.get_absolute_url()).text):
        assert 'href="/tag/rivers/" rel="tag">#Rivers</a>' in page
        assert 'href="/tag/night-walks/" rel="tag">#night walks</a>' in page


def test_a_cached_card_shows_tags_changed_since(client, user):
    post = tagged(user, "rivers")
    client.get("/")

    services.post_update(post=post, data={}, tags=["lakes"])
    page = client.get("/").text

    assert "#lakes" in page
    assert "#rivers" not in page


def test_a_renamed_tag_shows_on_the_next_read(client, user):
    tagged(user, "rivers")
    client.get("/")

    Tag.objects.filter(name="rivers").update(name="Rivers and streams")

    assert "#Rivers and streams" in client.get("/").text


@pytest.mark.parametrize("path", ["/feeds/rss/", "/feeds/atom/"])
def test_feeds_list_the_category_and_the_tags_of_each_post(client, user, path):
    tagged(user, "Rivers", "night walks", category__name="Travel", category__slug="travel")

    entry = feedparser.parse(client.get(path).content).entries[0]

    assert sorted(term["term"] for term in entry.tags) == ["Rivers", "Travel", "night walks"]


def test_the_sitemap_lists_tags_with_public_posts_only(client, user):
    tagged(user, "rivers")
    tagged(user, "secret plans", draft=True)

    text = client.get("/sitemap-tags.xml").text

    assert "/tag/rivers/" in text
    assert "secret-plans" not in text


def test_autocomplete_suggests_tags_starting_with_the_text_in_any_case(writer, user):
    tagged(user, "Django", "django-taggit", "Python")

    response = writer.get("/tags/autocomplete/", {"q": "DJ"})

    assert response.status_code == 200
    assert response.json() == {"tags": ["Django", "django-taggit"]}


def test_autocomplete_knows_unicode_names_in_any_case(writer, user):
    tagged(user, "Ärger")

    assert writer.get("/tags/autocomplete/", {"q": "ä"}).json() == {"tags": ["Ärger"]}


def test_autocomplete_never_offers_the_tags_of_another_authors_drafts(writer, user, other_user):
    tagged(other_user, "secret plans", draft=True)
    tagged(user, "second thoughts", draft=True)

    assert writer.get("/tags/autocomplete/", {"q": "se"}).json() == {"tags": ["second thoughts"]}


@pytest.mark.skipif(connection.vendor != "mysql", reason="MariaDB's plan")
def test_autocomplete_checks_each_matching_tag_for_a_post_rather_than_every_post(writer, user):
    tagged(user, "rivers", "roads")
    tagged(user, "rivers", "seas")

    with CaptureQueriesContext(connection) as queries:
        assert writer.get("/tags/autocomplete/", {"q": "r"}).json() == {"tags": ["rivers", "roads"]}

    (query,) = [q["sql"] for q in queries.captured_queries if "blog_tag" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {query}")
        kinds = {row[1] for row in cursor}
    # Not a semi-join, which would first list the tags of every post the writer can see.
    assert "DEPENDENT SUBQUERY" in kinds and "MATERIALIZED" not in kinds, kinds


def test_autocomplete_without_text_offers_nothing(writer, user):
    tagged(user, "rivers")

    assert writer.get("/tags/autocomplete/").json() == {"tags": []}


def test_autocomplete_asks_to_sign_in(client, user):
    response = client.get("/tags/autocomplete/", {"q": "ri"})

    assert response.status_code == 403
    assert "Sign in again" in response.json()["error"]


def test_the_admin_filters_and_searches_posts_by_tag(admin_client, user):
    tagged(user, "rivers", title="By the river")
    tagged(user, "lakes", title="By the lake")
    tag = Tag.objects.get(name="rivers")

    filtered = admin_client.get("/admin/blog/post/", {"tags__id__exact": tag.pk}).text
    searched = admin_client.get("/admin/blog/post/", {"q": "lakes"}).text

    assert "By the river" in filtered
    assert "By the lake" not in filtered
    assert "By the lake" in searched
    assert "By the river" not in searched


def test_the_admin_saves_typed_tags_through_the_same_rules(admin_client, user):
    post = tagged(user, "Django")
    form = {
        "title": post.title, "slug": post.slug, "author": user.pk, "status": "published",
        "published_at_0": "2026-01-01", "published_at_1": "10:00", "content": post.content,
        "tags": "django, machine learning",
    }  # fmt: skip

    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", form)

    assert response.status_code == 302
    assert sorted(post.tags.names()) == ["Django", "machine learning"]


def test_the_admin_refuses_to_rename_a_tag_to_another_ones_name_in_other_case(admin_client, user):
    tagged(user, "django", "Python")
    python = Tag.objects.get(name="Python")

    response = admin_client.post(
        f"/admin/blog/tag/{python.pk}/change/", {"name": "DJANGO", "slug": "python"}
    )

    assert response.status_code == 200
    assert "Another tag has this name in other letter case" in response.text
    assert Tag.objects.get(pk=python.pk).name == "Python"
