import html
import re
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.models import Comment, Like, Post
from blog.tests.factories import (
    CategoryFactory,
    CommentFactory,
    LikeFactory,
    PostFactory,
)
from cblog.images.tests.factories import ImageFactory
from cblog.images.tests.files import make_jpeg
from cblog.images.tests.storage import stored_files

ROLES = ["anonymous", "other", "owner", "staff"]


@pytest.fixture
def as_role(client, user, other_user, staff_user):
    """Returns the client signed in as the given role relative to the `user` fixture's posts."""

    def sign_in(role):
        accounts = {"other": other_user, "owner": user, "staff": staff_user}
        if role in accounts:
            client.force_login(accounts[role])
        return client

    return sign_in


def jpeg_upload(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, make_jpeg(**kwargs), content_type="image/jpeg")


def post_form(**overrides):
    data = {"title": "Morning light", "content": "Hello *world*", "status": "published"}
    return {**data, **overrides}


# Reading


@pytest.mark.parametrize(
    ("role", "published_status", "draft_status"),
    [("anonymous", 200, 404), ("other", 200, 404), ("owner", 200, 200), ("staff", 200, 200)],
)
def test_post_detail_shows_drafts_only_to_their_author_and_staff(
    as_role, post, draft, role, published_status, draft_status
):
    client = as_role(role)
    assert client.get(f"/post/{post.slug}/").status_code == published_status
    assert client.get(f"/post/{draft.slug}/").status_code == draft_status


def test_draft_detail_is_never_cached(as_role, draft):
    response = as_role("owner").get(f"/post/{draft.slug}/")
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_detail_shows_comments_with_their_author_but_not_hidden_ones(client, post, other_user):
    CommentFactory(post=post, author=other_user, content="Lovely photos")
    CommentFactory(post=post, content="Buy cheap watches", is_hidden=True)
    response = client.get(f"/post/{post.slug}/")
    assert "Lovely photos" in response.text
    assert other_user.username in response.text
    assert "cheap watches" not in response.text


def test_detail_has_open_graph_and_twitter_tags(client, post):
    response = client.get(f"/post/{post.slug}/")
    assert f'<meta property="og:title" content="{post.title}">' in response.text
    assert '<meta name="twitter:card"' in response.text


# Transactional: InnoDB's FULLTEXT index sees rows once their transaction commits.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path", ["/", "/category/{category}/", "/author/alice/", "/search/?q=river"]
)
def test_lists_show_published_posts_but_never_drafts(client, post, draft, path):
    draft.category = post.category
    draft.content = post.content
    draft.save()
    response = client.get(path.format(category=post.category.slug))
    assert response.status_code == 200
    assert [shown.title for shown in response.context["page_obj"]] == [post.title]


def test_home_page_is_paginated_ten_posts_a_page_newest_first(client, user):
    posts = PostFactory.create_batch(12, author=user)
    first = client.get("/")
    second = client.get("/?page=2")
    assert [p.pk for p in first.context["page_obj"]] == [p.pk for p in posts[::-1][:10]]
    assert len(second.context["page_obj"]) == 2


@pytest.mark.parametrize("page", ["99", "abc", "-1"])
def test_pages_out_of_range_are_404_not_500(client, post, page):
    assert client.get(f"/?page={page}").status_code == 404


def test_unknown_category_and_author_are_404(client, db):
    assert client.get("/category/nope/").status_code == 404
    assert client.get("/author/nobody/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        '"; DROP TABLE blog_post; --',
        "%",
        "_",
        "<script>alert(1)</script>",
        "x" * 5000,
    ],
)
def test_search_treats_sql_and_markup_as_plain_text(client, post, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert post.title not in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert Post.objects.filter(pk=post.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_search_finds_posts_by_content(client, post):
    response = client.get("/search/", {"q": "RIVER"})
    assert list(response.context["page_obj"]) == [post]


def test_drafts_page_lists_only_the_signed_in_authors_drafts(as_role, draft, other_user):
    other_draft = PostFactory(author=other_user, draft=True, title="Bob's secret draft")
    response = as_role("owner").get("/drafts/")
    assert draft.title in response.text
    assert other_draft.title not in response.text


def test_drafts_page_requires_sign_in(client, db):
    response = client.get("/drafts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/users/login/")


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def read(client, post, agent=BROWSER, address="203.0.113.7"):
    return client.get(f"/post/{post.slug}/", HTTP_USER_AGENT=agent, REMOTE_ADDR=address)


def test_a_visitor_is_counted_once_within_the_view_window(client, post):
    for _ in range(3):
        read(client, post)
    post.refresh_from_db()
    assert post.view_count == 1


def test_each_visitor_counts_their_own_view(client, post, other_user):
    read(client, post)
    read(client, post, address="198.51.100.9")
    read(client, post, agent=BROWSER.replace("130", "131"))
    client.force_login(other_user)
    read(client, post)
    post.refresh_from_db()
    assert post.view_count == 4


def test_the_page_shows_the_view_it_counted(client, post):
    assert "1 view" in read(client, post).text


@pytest.mark.parametrize(
    "agent",
    ["", "curl/8.5.0", "Googlebot/2.1 (+http://www.google.com/bot.html)", "python-requests/2.32"],
)
def test_bots_and_http_tools_are_not_counted(client, post, agent):
    read(client, post, agent=agent)
    post.refresh_from_db()
    assert post.view_count == 0


def test_drafts_count_no_views(client, draft, user):
    client.force_login(user)
    read(client, draft)
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_a_comment_post_counts_no_view_valid_or_not(client, post, other_user):
    client.force_login(other_user)
    for content in ["", "Nice walk."]:
        client.post(f"/post/{post.slug}/comment/", {"content": content}, HTTP_USER_AGENT=BROWSER)
    post.refresh_from_db()
    assert post.view_count == 0


# Writing


def test_create_requires_sign_in(client, db):
    response = client.post("/post/new/", post_form())
    assert response.status_code == 302
    assert not Post.objects.exists()


def test_signed_in_user_creates_a_published_post_with_an_image(as_role):
    client = as_role("owner")
    category = CategoryFactory()
    response = client.post(
        "/post/new/",
        post_form(
            category=category.pk,
            image=jpeg_upload(width=2000, height=1500),
            image_alt="Light on the water",
        ),
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/post/{post.slug}/"
    assert post.is_published and post.published_at
    assert post.category == category
    assert post.image.display_width == 1200
    assert all(default_storage.exists(name) for name in post.image.file_names)
    assert post.title in client.get("/").text


def test_create_as_draft_does_not_publish(as_role):
    as_role("owner").post("/post/new/", post_form(status="draft"))
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert post.published_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "!!!"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"content": ""}, "content"),
        ({"content": "x" * 50_001}, "content"),
        ({"status": "archived"}, "status"),
        ({"category": "999999"}, "category"),
        ({"category": "not-a-number"}, "category"),
    ],
)
def test_bad_post_input_is_a_400_with_a_form_error_and_nothing_stored(as_role, overrides, field):
    response = as_role("owner").post("/post/new/", post_form(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Post.objects.exists()


def test_a_bad_image_is_a_400_and_stores_no_post_and_no_object(as_role):
    before = stored_files()
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a picture</html>", content_type="image/jpeg")
    response = as_role("owner").post("/post/new/", post_form(image=fake))
    assert response.status_code == 400
    assert "image" in response.context["form"].errors
    assert not Post.objects.exists()
    assert stored_files() == before


def test_markup_in_title_and_content_is_escaped_or_sanitized(as_role):
    client = as_role("owner")
    client.post(
        "/post/new/",
        post_form(
            title="<script>alert('t')</script> Title",
            content="<script>alert('c')</script> [x](javascript:alert(1)) <img src=x onerror=alert(2)>",
        ),
    )
    post = Post.objects.get()
    page = client.get(f"/post/{post.slug}/").text
    assert "<script>alert(" not in page
    # CommonMark keeps a link to a forbidden scheme as plain text, never as a link.
    assert 'href="javascript:' not in page
    assert "onerror" not in page


def test_emoji_and_unicode_titles_round_trip(as_role):
    client = as_role("owner")
    client.post("/post/new/", post_form(title="Café in Zürich 東京 🚀"))
    post = Post.objects.get()
    assert post.title == "Café in Zürich 東京 🚀"
    assert client.get(f"/post/{post.slug}/").status_code == 200


@pytest.mark.parametrize(
    ("role", "get_status"), [("anonymous", 302), ("other", 403), ("owner", 200), ("staff", 200)]
)
def test_only_author_and_staff_may_open_the_edit_form(as_role, post, role, get_status):
    assert as_role(role).get(f"/post/{post.slug}/edit/").status_code == get_status


@pytest.mark.parametrize(("role", "changed"), [("other", False), ("owner", True), ("staff", True)])
def test_only_author_and_staff_may_edit(as_role, post, role, changed):
    as_role(role).post(f"/post/{post.slug}/edit/", post_form(title="Changed title"))
    post.refresh_from_db()
    assert (post.title == "Changed title") is changed


def test_editing_a_title_keeps_the_slug(as_role, post):
    as_role("owner").post(f"/post/{post.slug}/edit/", post_form(title="A brand new title"))
    post.refresh_from_db()
    assert post.slug == "a-walk-by-the-river"


def test_others_drafts_are_404_on_edit_and_delete(as_role, draft):
    client = as_role("other")
    assert client.get(f"/post/{draft.slug}/edit/").status_code == 404
    assert client.post(f"/post/{draft.slug}/delete/").status_code == 404
    assert Post.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("role", "status", "deleted"),
    [("anonymous", 302, False), ("other", 403, False), ("owner", 302, True), ("staff", 302, True)],
)
def test_only_author_and_staff_may_delete(as_role, post, role, status, deleted):
    response = as_role(role).post(f"/post/{post.slug}/delete/")
    assert response.status_code == status
    assert Post.objects.filter(pk=post.pk).exists() is not deleted


def test_delete_asks_for_confirmation_first(as_role, post):
    response = as_role("owner").get(f"/post/{post.slug}/delete/")
    assert response.status_code == 200
    assert "cannot be undone" in response.text
    assert Post.objects.filter(pk=post.pk).exists()


def test_non_owner_sees_no_edit_or_delete_controls(as_role, post):
    page = as_role("other").get(f"/post/{post.slug}/").text
    assert f"/post/{post.slug}/edit/" not in page
    assert f"/post/{post.slug}/delete/" not in page


# Likes and comments


def test_like_toggles_on_and_off(as_role, post):
    client = as_role("other")
    client.post(f"/post/{post.slug}/like/")
    assert Like.objects.filter(post=post).count() == 1
    client.post(f"/post/{post.slug}/like/")
    assert not Like.objects.filter(post=post).exists()


@pytest.mark.parametrize("path", ["like", "comment"])
def test_like_and_comment_are_post_only(as_role, post, path):
    assert as_role("other").get(f"/post/{post.slug}/{path}/").status_code == 405


@pytest.mark.parametrize("path", ["like", "comment"])
def test_like_and_comment_require_sign_in(client, post, path):
    response = client.post(f"/post/{post.slug}/{path}/", {"content": "hi"})
    assert response.status_code == 302
    assert not Like.objects.exists() and not Comment.objects.exists()


@pytest.mark.parametrize("path", ["like", "comment"])
def test_drafts_cannot_be_liked_or_commented(as_role, draft, path):
    response = as_role("owner").post(f"/post/{draft.slug}/{path}/", {"content": "hi"})
    assert response.status_code == 404
    assert not Like.objects.exists() and not Comment.objects.exists()


def test_signed_in_user_comments_on_a_published_post(as_role, post, other_user):
    response = as_role("other").post(f"/post/{post.slug}/comment/", {"content": "Great read"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert (comment.author, comment.content) == (other_user, "Great read")


@pytest.mark.parametrize("content", ["", "   ", "x" * 2001])
def test_bad_comment_is_a_400_with_an_error_and_nothing_stored(as_role, post, content):
    response = as_role("other").post(f"/post/{post.slug}/comment/", {"content": content})
    assert response.status_code == 400
    assert "content" in response.context["comment_form"].errors
    assert not Comment.objects.exists()


def test_comment_markup_is_escaped(as_role, post):
    client = as_role("other")
    client.post(f"/post/{post.slug}/comment/", {"content": "<script>alert(1)</script>"})
    page = client.get(f"/post/{post.slug}/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


# Who may delete carol's comment on alice's post.
COMMENT_DELETE_RULE = [
    ("anonymous", False), ("other", False), ("owner", True), ("staff", True), ("commenter", True),
]  # fmt: skip


@pytest.fixture
def carols_comment(post):
    from users.tests.factories import UserFactory

    return CommentFactory(post=post, author=UserFactory(username="carol"))


@pytest.fixture
def as_comment_role(as_role, client, carols_comment):
    """Like as_role, plus "commenter": the writer of carols_comment."""

    def sign_in(role):
        if role != "commenter":
            return as_role(role)
        client.force_login(carols_comment.author)
        return client

    return sign_in


@pytest.mark.parametrize(("role", "deleted"), COMMENT_DELETE_RULE)
def test_comments_are_deleted_by_post_author_staff_or_their_writer(
    as_comment_role, carols_comment, role, deleted
):
    as_comment_role(role).post(f"/comment/{carols_comment.pk}/delete/")
    assert Comment.objects.filter(pk=carols_comment.pk).exists() is not deleted


def test_like_count_shown_on_the_home_page(client, post):
    LikeFactory.create_batch(3, post=post)
    assert "3 likes" in client.get("/").text


def test_detail_shows_whether_the_reader_likes_the_post(as_role, post):
    client = as_role("other")
    assert "<span data-like-label>Like</span>" in client.get(f"/post/{post.slug}/").text
    client.post(f"/post/{post.slug}/like/")
    assert "<span data-like-label>Unlike</span>" in client.get(f"/post/{post.slug}/").text


def test_a_post_titled_new_is_readable_and_the_create_form_stays(as_role):
    client = as_role("owner")
    response = client.post("/post/new/", post_form(title="New"))
    assert response.status_code == 302
    assert client.get(response["Location"]).context["post"].title == "New"
    assert "form" in client.get("/post/new/").context


def test_excerpts_are_escaped_exactly_once_in_cards_and_meta_descriptions(client, user):
    post = PostFactory(author=user, content="Tom & Jerry say 5 < 6")
    escaped = "Tom &amp; Jerry say 5 &lt; 6"

    card = client.get("/").text
    detail = client.get(f"/post/{post.slug}/").text

    assert f'<p class="card-text flex-grow-1">{escaped}</p>' in card
    assert f'<meta name="description" content="{escaped}">' in detail
    assert f'<meta property="og:description" content="{escaped}">' in detail
    assert "&amp;amp;" not in card + detail


@pytest.mark.parametrize(("role", "shown"), COMMENT_DELETE_RULE)
def test_the_delete_comment_button_shows_exactly_for_those_who_may_delete(
    as_comment_role, post, carols_comment, role, shown
):
    page = as_comment_role(role).get(f"/post/{post.slug}/").text
    assert (f"/comment/{carols_comment.pk}/delete/" in page) is shown


def meta_content(page, name):
    found = re.search(rf'<meta (?:name|property)="{name}" content="([^"]*)">', page)
    return urlsplit(html.unescape(found.group(1)))


def test_open_graph_image_and_url_are_absolute(client, user):
    post = PostFactory(author=user, image=ImageFactory())
    page = client.get(f"/post/{post.slug}/").text
    for name in ("og:image", "twitter:image"):
        image = meta_content(page, name)
        # Stored objects may be served from elsewhere (S3 signs each URL), but never relatively.
        assert image.scheme == "http" and image.netloc, name
        assert image.path.endswith(post.image.display.name), name
    assert meta_content(page, "og:url").geturl() == f"http://testserver/post/{post.slug}/"


def test_pagination_keeps_every_other_query_parameter(client, user):
    PostFactory.create_batch(11, author=user)
    page = client.get("/", {"ref": "newsletter", "page": 1}).text
    assert 'href="?ref=newsletter&amp;page=2"' in page


@pytest.mark.django_db(transaction=True)
def test_search_pagination_keeps_the_query(client, user):
    PostFactory.create_batch(11, author=user, content="Fish & chips by the sea.")
    page = client.get("/search/", {"q": "fish & chips"}).text
    assert 'href="?q=fish+%26+chips&amp;page=2"' in page


@pytest.mark.django_db(transaction=True)
def test_search_matches_a_term_found_only_in_the_content(client, user):
    PostFactory(author=user, title="Saturday", content="We saw a heron by the weir.")
    response = client.get("/search/", {"q": "heron"})
    assert [post.title for post in response.context["page_obj"]] == ["Saturday"]
