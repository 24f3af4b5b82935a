"""Revisions: kept by every save in the save's transaction, pruned, compared and restored."""

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client

from blog import services
from blog.models import Post
from blog.revisions.models import Revision
from blog.revisions.services import AUTOSAVES_KEPT
from blog.tests.factories import CategoryFactory, PostFactory

first_revisions = import_module("blog.revisions.migrations.0001_initial").first_revisions


def edit(client, post, **fields):
    data = {"title": post.title, "content": post.content, "status": post.status, **fields}
    if post.category_id:
        data.setdefault("category", post.category_id)
    return client.post(f"/post/{post.slug}/edit/", data)


def kinds(post):
    return list(post.revisions.order_by("pk").values_list("kind", flat=True))


# Keeping


def test_a_new_post_keeps_a_revision_of_its_title_text_and_metadata(writer, user):
    category = CategoryFactory(name="Rivers")
    writer.post(
        "/post/new/",
        {"title": "Tides", "content": "Low water.", "status": "draft", "category": category.pk},
    )

    revision = Revision.objects.get()
    assert (revision.kind, revision.author, revision.title) == ("save", user, "Tides")
    assert revision.content == "Low water."
    assert revision.metadata["category_id"] == category.pk
    assert revision.metadata["status"] == "draft"


def test_publishing_a_draft_is_a_publish_revision_by_who_pressed_it(client, staff_user, draft):
    client.force_login(staff_user)
    edit(client, draft, status="published")

    revision = draft.revisions.get()
    assert (revision.kind, revision.author) == ("publish", staff_user)


def test_an_autosave_keeps_an_autosave_revision(writer, draft):
    writer.post(f"/post/{draft.slug}/autosave/", {"title": "New title", "content": "More"})
    assert kinds(draft) == ["autosave"]


def test_a_save_that_changes_nothing_keeps_no_revision(writer, post):
    edit(writer, post, content="Changed")
    edit(writer, post, content="Changed")
    assert kinds(post) == ["save"]


def test_saving_what_an_autosave_kept_turns_it_into_a_save_that_pruning_spares(writer, draft):
    writer.post(f"/post/{draft.slug}/autosave/", {"title": draft.title, "content": "Typed"})
    edit(writer, draft, content="Typed")
    assert kinds(draft) == ["save"]


def test_only_the_newest_autosaves_are_kept_and_every_save(writer, draft):
    edit(writer, draft, content="Saved by hand")
    for number in range(AUTOSAVES_KEPT + 5):
        writer.post(f"/post/{draft.slug}/autosave/", {"title": "T", "content": f"v{number}"})

    assert kinds(draft) == ["save"] + ["autosave"] * AUTOSAVES_KEPT
    assert draft.revisions.first().content == f"v{AUTOSAVES_KEPT + 4}"


def test_a_save_failing_after_its_post_row_keeps_neither_the_change_nor_a_revision(
    writer, draft, monkeypatch
):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("blog.revisions.services.revisions_prune", fail)
    client = Client(raise_request_exception=False)
    client.force_login(draft.author)

    response = client.post(f"/post/{draft.slug}/autosave/", {"title": "T", "content": "Lost"})

    assert response.status_code == 500
    draft.refresh_from_db()
    assert draft.content != "Lost" and not draft.revisions.exists()


def test_publishing_in_the_admin_keeps_a_publish_revision(admin_client, draft):
    admin_client.post(
        "/admin/blog/post/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert kinds(draft) == ["publish"]


def test_posts_from_before_revisions_get_one_of_their_title_and_text(user):
    post = PostFactory(author=user, content="Old text")

    first_revisions(apps, None)

    revision = post.revisions.get()
    assert (revision.title, revision.content, revision.author) == (post.title, "Old text", user)


# Restoring


def test_restoring_brings_back_title_text_and_category_and_keeps_a_restore_revision(
    writer, post, user
):
    first_category = post.category
    edit(writer, post, title="Before", content="**Old** words")
    old = post.revisions.latest("pk")
    edit(writer, post, title="After", content="New words", category=CategoryFactory().pk)

    response = writer.post(f"/post/{post.slug}/revisions/{old.pk}/restore/")

    assert response.status_code == 302 and response["Location"] == f"/post/{post.slug}/edit/"
    post.refresh_from_db()
    assert (post.title, post.content, post.category) == ("Before", "**Old** words", first_category)
    assert "<strong>Old</strong>" in post.content_html
    assert post.revisions.first().kind == "restore"
    assert post.revisions.first().author == user


def test_restoring_keeps_the_post_published_and_its_date(writer, draft):
    edit(writer, draft, content="Draft text")
    old = draft.revisions.latest("pk")
    edit(writer, draft, content="Published text", status="published")
    published_at = Post.objects.get(pk=draft.pk).published_at

    writer.post(f"/post/{draft.slug}/revisions/{old.pk}/restore/")

    draft.refresh_from_db()
    assert draft.content == "Draft text"
    assert (draft.status, draft.published_at) == ("published", published_at)


def test_restoring_a_revision_whose_category_was_deleted_keeps_the_current_one(writer, post):
    gone = CategoryFactory()
    edit(writer, post, content="With a gone category", category=gone.pk)
    old = post.revisions.latest("pk")
    edit(writer, post, content="Now", category=CategoryFactory(name="Kept").pk)
    gone.delete()

    writer.post(f"/post/{post.slug}/revisions/{old.pk}/restore/")

    post.refresh_from_db()
    assert post.content == "With a gone category" and post.category.name == "Kept"


def test_restore_asks_to_confirm_and_changes_nothing_on_get(writer, post):
    edit(writer, post, content="One")
    old = post.revisions.get()
    edit(writer, post, content="Two")

    response = writer.get(f"/post/{post.slug}/revisions/{old.pk}/restore/")

    assert response.status_code == 200 and b"Restore this revision" in response.content
    post.refresh_from_db()
    assert post.content == "Two"


def test_restore_checks_the_csrf_token(user, post):
    services.post_update(post=post, data={"content": "One"}, editor=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    revision = post.revisions.get()
    assert client.post(f"/post/{post.slug}/revisions/{revision.pk}/restore/").status_code == 403


def test_a_revision_of_another_post_cannot_be_restored_through_this_one(writer, post, user):
    other = PostFactory(author=user)
    services.post_update(post=other, data={"content": "Other"}, editor=user)

    response = writer.post(f"/post/{post.slug}/revisions/{other.revisions.get().pk}/restore/")

    assert response.status_code == 404


# Permissions

PAGES = ["revisions/", "revisions/compare/?old={pk}&new={pk}", "revisions/{pk}/restore/"]


@pytest.fixture
def revised(post, user):
    services.post_update(post=post, data={"content": "Revised"}, editor=user)
    return post


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("who", "status"), [("user", 200), ("staff_user", 200), ("other_user", 404)]
)
def test_only_the_author_and_staff_see_revision_pages(client, revised, request, page, who, status):
    client.force_login(request.getfixturevalue(who))
    url = f"/post/{revised.slug}/" + page.format(pk=revised.revisions.get().pk)
    assert client.get(url).status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_revision_pages_send_anonymous_visitors_to_sign_in(client, revised, page):
    url = f"/post/{revised.slug}/" + page.format(pk=revised.revisions.get().pk)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/users/login/")


def test_another_user_cannot_restore_and_nothing_changes(client, other_user, revised):
    client.force_login(other_user)
    revision = revised.revisions.get()
    services.post_update(post=revised, data={"content": "Later"}, editor=revised.author)

    response = client.post(f"/post/{revised.slug}/revisions/{revision.pk}/restore/")

    assert response.status_code == 404
    revised.refresh_from_db()
    assert revised.content == "Later"


# The list and the diff


def test_the_list_shows_kind_author_and_time_newest_first(writer, post, user):
    edit(writer, post, content="One")
    edit(writer, post, content="Two")

    response = writer.get(f"/post/{post.slug}/revisions/")

    rows = list(response.context["page_obj"])
    assert [row.pk for row in rows] == sorted((row.pk for row in rows), reverse=True)
    html = response.content.decode()
    assert html.count("<td>Save</td>") == 2 and user.display_name in html
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("revisions", [3, 30])
def test_the_list_runs_the_same_queries_for_few_and_many_revisions(
    writer, post, user, revisions, django_assert_max_num_queries
):
    Revision.objects.bulk_create(
        Revision(post=post, author=user, kind="save", title="T", content=f"v{number}")
        for number in range(revisions)
    )
    # The session, the user, the post, the count, the category menu, the page of revisions with
    # their authors.
    with django_assert_max_num_queries(6):
        response = writer.get(f"/post/{post.slug}/revisions/")
    assert len(response.context["page_obj"]) == revisions


def test_the_diff_marks_added_and_removed_lines_and_escapes_them(writer, post):
    edit(writer, post, content="same\nold <b>line</b>")
    edit(writer, post, title="Renamed", content="same\nnew <script>x()</script>")
    new, old = post.revisions.all()[:2]

    response = writer.get(f"/post/{post.slug}/revisions/compare/?old={old.pk}&new={new.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>− old &lt;b&gt;line&lt;/b&gt;</del>" in html
    assert "<ins>+ new &lt;script&gt;x()&lt;/script&gt;</ins>" in html
    assert "<ins>+ Title: Renamed</ins>" in html
    assert "<span>  same</span>" in html


def test_the_diff_shows_a_category_by_its_name(writer, post):
    edit(writer, post, content="x", category=CategoryFactory(name="Lakes").pk)
    edit(writer, post, content="x", category=CategoryFactory(name="Seas").pk)
    new, old = post.revisions.all()[:2]

    html = writer.get(f"/post/{post.slug}/revisions/compare/?old={new.pk}&new={old.pk}").text

    assert "<del>− Category: Lakes</del>" in html and "<ins>+ Category: Seas</ins>" in html


@pytest.mark.parametrize(
    "query", ["", "?old=1", "?old=abc&new=1", "?old={pk}&new=999999", "?old={other}&new={pk}"]
)
def test_comparing_anything_but_two_revisions_of_the_post_is_a_400_that_says_why(
    writer, revised, user, query
):
    other = PostFactory(author=user)
    services.post_update(post=other, data={"content": "Other"}, editor=user)
    query = query.format(pk=revised.revisions.get().pk, other=other.revisions.get().pk)

    response = writer.get(f"/post/{revised.slug}/revisions/compare/{query}")

    assert response.status_code == 400
    assert "Choose a revision" in response.text


# Admin


def test_the_admin_shows_revisions_read_only(admin_client, revised):
    revision = revised.revisions.get()

    listing = admin_client.get("/admin/revisions/revision/")
    change = admin_client.get(f"/admin/revisions/revision/{revision.pk}/change/")

    assert listing.status_code == 200 and "Add revision" not in listing.text
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert admin_client.get("/admin/revisions/revision/add/").status_code == 403


def test_a_revision_is_dated_when_it_is_saved(writer, post, time_machine):
    saved_at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    time_machine.move_to(saved_at, tick=False)
    edit(writer, post, content="Dated")
    assert post.revisions.get().created_at == saved_at


def test_tags_are_kept_and_restored_by_name(writer, post):
    edit(writer, post, content="Tagged", tags="Rivers, Boats")
    old = post.revisions.latest("pk")
    edit(writer, post, content="Retagged", tags="Lakes")

    writer.post(f"/post/{post.slug}/revisions/{old.pk}/restore/")

    assert old.metadata["tags"] == ["Boats", "Rivers"]
    assert sorted(post.tags.names()) == ["Boats", "Rivers"]


def test_the_diff_shows_a_publication_time_in_the_sites_time_zone(writer, draft, settings):
    edit(writer, draft, content="x")
    edit(writer, draft, content="x", status="published", publish_at="2030-05-06T07:08")
    new, old = draft.revisions.all()[:2]

    html = writer.get(f"/post/{draft.slug}/revisions/compare/?old={old.pk}&new={new.pk}").text

    assert "<ins>+ Published at: 6 May 2030, 07:08:00</ins>" in html


def test_a_change_in_the_admin_keeps_a_revision_with_its_tags(admin_client, post, admin_user):
    response = admin_client.post(
        f"/admin/blog/post/{post.pk}/change/",
        {
            "title": "Edited in the admin",
            "slug": post.slug,
            "author": post.author_id,
            "category": post.category_id,
            "content": "Admin text",
            "status": "published",
            "published_at_0": f"{post.published_at:%Y-%m-%d}",
            "published_at_1": f"{post.published_at:%H:%M:%S}",
            "tags": "Harbours",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    revision = post.revisions.get()
    assert (revision.kind, revision.author, revision.title) == (
        "save",
        admin_user,
        "Edited in the admin",
    )
    assert revision.metadata["tags"] == ["Harbours"]


def test_restoring_keeps_what_describes_the_current_picture(writer, post):
    Post.objects.filter(pk=post.pk).update(image_alt="Old alt", meta_title="Old SEO title")
    post.refresh_from_db()
    services.post_update(post=post, data={"content": "Old"}, editor=post.author)
    old = post.revisions.get()
    services.post_update(
        post=post,
        data={"content": "New", "image_alt": "New alt", "meta_title": "New SEO title"},
        editor=post.author,
    )

    writer.post(f"/post/{post.slug}/revisions/{old.pk}/restore/")

    post.refresh_from_db()
    assert (post.content, post.meta_title, post.image_alt) == ("Old", "Old SEO title", "New alt")
