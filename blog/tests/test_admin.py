import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from blog.models import Comment, Post
from blog.services import post_create
from blog.tests.factories import CategoryFactory, CommentFactory, PostFactory
from cblog.images.processing import POST_IMAGE, process_image
from cblog.images.tests.factories import ImageFactory
from cblog.images.tests.files import make_jpeg
from cblog.page_cache import content_version
from users.models import Profile, User

NEW_PASSWORD = "another-long-unusual-passphrase-42"


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def comment(post, other_user):
    return CommentFactory(post=post, author=other_user, content="Lovely river.")


def changelist_titles(response):
    return {post.title for post in response.context["cl"].result_list}


def run_action(client, model_path, action, objects):
    return client.post(
        f"/admin/{model_path}/",
        {"action": action, "_selected_action": [obj.pk for obj in objects], "post": "yes"},
    )


def admin_user_data(user, **overrides):
    """The change form's fields for `user`, with the profile inline's management form."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "12:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": user.profile.pk,
        "profile-0-user": user.pk,
        "profile-0-bio": "",
    }
    return {**data, **overrides}


def admin_add_user_data(username, email):
    return {
        "username": username,
        "email": email,
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }


# Access


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/blog/post/",
        "/admin/blog/post/add/",
        "/admin/blog/comment/",
        "/admin/blog/category/",
        "/admin/blog/category/add/",
        "/admin/users/user/",
        "/admin/users/user/add/",
    ],
)
def test_admin_pages_load_for_staff(admin_client, post, comment, path):
    assert admin_client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/admin/blog/post/{post.pk}/change/",
        "/admin/blog/comment/{comment.pk}/change/",
        "/admin/blog/category/{post.category.pk}/change/",
        "/admin/users/user/{post.author.pk}/change/",
    ],
)
def test_admin_change_forms_load_for_staff(admin_client, post, comment, path):
    assert admin_client.get(path.format(post=post, comment=comment)).status_code == 200


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/blog/post/", "/admin/blog/comment/", "/admin/users/user/"]
)
def test_admin_pages_redirect_a_non_staff_user_to_the_admin_login(client, user, path):
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# Post changelist


@pytest.fixture
def posts(user, other_user):
    travel = CategoryFactory(name="Hiking", slug="hiking")
    food = CategoryFactory(name="Baking", slug="baking")
    return {
        "river": PostFactory(author=user, title="River walk", category=travel),
        "soup": PostFactory(author=user, title="Onion soup", category=food, draft=True),
        "bread": PostFactory(author=other_user, title="Rye bread", category=food),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=draft", {"Onion soup"}),
        ("status=published", {"River walk", "Rye bread"}),
        ("category__id__exact={food}", {"Onion soup", "Rye bread"}),
        ("author__id__exact={bob}", {"Rye bread"}),
        ("q=walk", {"River walk"}),
        ("q=bob", {"Rye bread"}),
    ],
    ids=["status-draft", "status-published", "category", "author", "search-title", "search-author"],
)
def test_post_changelist_filters_and_search(admin_client, posts, other_user, query, expected):
    query = query.format(food=posts["bread"].category_id, bob=other_user.pk)

    response = admin_client.get(f"/admin/blog/post/?{query}")

    assert response.status_code == 200
    assert changelist_titles(response) == expected


def test_post_changelist_runs_a_constant_number_of_queries(
    admin_client, user, django_assert_max_num_queries
):
    for post in PostFactory.create_batch(15, author=user):
        CommentFactory(post=post)

    with django_assert_max_num_queries(15):
        response = admin_client.get("/admin/blog/post/")

    assert len(response.context["cl"].result_list) == 15


@pytest.mark.parametrize("path", ["/admin/blog/post/?o=6", "/admin/blog/comment/"])
def test_changelists_neither_count_rows_per_post_nor_load_post_bodies(
    admin_client, user, path, django_assert_max_num_queries
):
    """Sorted by likes or by date, the lists stay cheap at thousands of posts and comments."""
    for post in PostFactory.create_batch(5, author=user):
        CommentFactory(post=post)

    with django_assert_max_num_queries(15) as queries:
        assert admin_client.get(path).status_code == 200

    selects = [query["sql"] for query in queries.captured_queries]
    assert not any("content_html" in sql for sql in selects)
    assert not any("(SELECT COUNT(" in sql.upper() for sql in selects)


def test_bulk_publish_publishes_drafts_with_a_publication_date(admin_client, user):
    draft = PostFactory(author=user, draft=True)

    run_action(admin_client, "blog/post", "publish", [draft])

    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED
    assert abs(draft.published_at - timezone.now()) < timedelta(minutes=1)


def test_bulk_publish_keeps_an_existing_publication_date(admin_client, user):
    first_published = timezone.now() - timedelta(days=30)
    unpublished = PostFactory(author=user, draft=True, published_at=first_published)

    run_action(admin_client, "blog/post", "publish", [unpublished])

    unpublished.refresh_from_db()
    assert unpublished.status == Post.Status.PUBLISHED
    assert unpublished.published_at == first_published


def test_bulk_unpublish_moves_published_posts_back_to_drafts(admin_client, posts):
    run_action(admin_client, "blog/post", "unpublish", [posts["river"], posts["bread"]])

    assert not Post.objects.published().exists()


def test_bulk_actions_leave_unselected_posts_alone(admin_client, posts):
    run_action(admin_client, "blog/post", "unpublish", [posts["river"]])

    assert set(Post.objects.published().values_list("title", flat=True)) == {"Rye bread"}


def test_post_change_form_previews_the_image(admin_client, user):
    upload = SimpleUploadedFile("river.jpg", make_jpeg(), content_type="image/jpeg")
    post = post_create(
        author=user,
        data={"title": "River", "content": "Water.", "image_alt": "A river at dusk"},
        image=process_image(upload, POST_IMAGE),
    )

    response = admin_client.get(f"/admin/blog/post/{post.pk}/change/")

    image = post.image
    # S3 URLs are signed per call, so match the object key rather than the whole URL.
    preview = re.search(
        r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="A river at dusk"', response.text
    )
    assert image.thumbnail.name in preview.group(1)
    assert preview.group(2, 3) == (str(image.thumbnail_width), str(image.thumbnail_height))


def add_post_in_admin(client, **fields):
    data = {"status": Post.Status.PUBLISHED, "published_at_0": "", "published_at_1": ""}
    return client.post("/admin/blog/post/add/", {**data, **fields})


def test_adding_a_published_post_in_the_admin_sets_its_date_and_renders_it(admin_client, user):
    response = add_post_in_admin(
        admin_client,
        title="From the admin",
        slug="from-the-admin",
        author=user.pk,
        content="Some **bold** words.",
    )

    assert response.status_code == 302
    post = Post.objects.get(slug="from-the-admin")
    assert post.published_at is not None
    assert "<strong>bold</strong>" in post.content_html


def test_the_admin_refuses_a_slug_that_a_route_uses(admin_client, user):
    response = add_post_in_admin(
        admin_client, title="New", slug="new", author=user.pk, content="Hello."
    )

    assert response.status_code == 200
    assert "choose another slug" in str(response.context["adminform"].form.errors["slug"])
    assert not Post.objects.exists()


def test_bulk_deleting_posts_deletes_their_image_files_after_commit(
    admin_client, user, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("river.jpg", make_jpeg(), content_type="image/jpeg")
    post = post_create(
        author=user,
        data={"title": "River", "content": "Water.", "status": Post.Status.PUBLISHED},
        image=process_image(upload, POST_IMAGE),
    )
    names = post.image.file_names

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "blog/post", "delete_selected", [post])

    assert not Post.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_post_change_form_without_an_image_shows_no_preview(admin_client, post):
    response = admin_client.get(f"/admin/blog/post/{post.pk}/change/")

    assert 'style="max-width:240px' not in response.text


# Comments


def test_hide_action_hides_the_selected_comments(admin_client, comment):
    run_action(admin_client, "blog/comment", "hide", [comment])

    comment.refresh_from_db()
    assert comment.is_hidden


def test_unhide_action_shows_hidden_comments_again(admin_client, comment):
    Comment.objects.update(is_hidden=True)

    run_action(admin_client, "blog/comment", "unhide", [comment])

    comment.refresh_from_db()
    assert not comment.is_hidden


def test_the_moderation_queue_lists_comments_awaiting_approval_newest_first(
    admin_client, post, other_user
):
    older, newer = CommentFactory.create_batch(2, post=post, author=other_user, is_approved=False)
    CommentFactory(post=post, author=other_user)  # approved: not in the queue
    Comment.objects.filter(pk=older.pk).update(created_at=newer.created_at - timedelta(hours=1))

    response = admin_client.get("/admin/blog/comment/?moderation=waiting")

    assert list(response.context["cl"].result_list) == [newer, older]


def test_approve_publishes_the_comment_counts_it_and_drops_cached_pages(
    admin_client, post, other_user, django_capture_on_commit_callbacks
):
    waiting = CommentFactory(post=post, author=other_user, is_approved=False)
    version = content_version()

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "blog/comment", "approve", [waiting])

    waiting.refresh_from_db()
    assert waiting.is_approved
    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert content_version() != version


def test_reject_hides_a_waiting_comment_but_leaves_approved_ones(admin_client, post, other_user):
    waiting = CommentFactory(post=post, author=other_user, is_approved=False)
    approved = CommentFactory(post=post, author=other_user)

    run_action(admin_client, "blog/comment", "reject", [waiting, approved])

    assert set(Comment.objects.filter(is_hidden=True)) == {waiting}


def test_bulk_delete_removes_only_the_selected_comments(admin_client, post, other_user):
    spam = CommentFactory.create_batch(2, post=post, author=other_user, content="Buy now")
    kept = CommentFactory(post=post, author=other_user)

    response = run_action(admin_client, "blog/comment", "delete_selected", spam)

    assert response.status_code == 302
    assert list(Comment.objects.all()) == [kept]


# Users


def test_user_change_page_shows_the_profile_inline(admin_client, user):
    response = admin_client.get(f"/admin/users/user/{user.pk}/change/")

    assert 'name="profile-0-bio"' in response.text


def test_user_change_page_saves_the_profile_bio(admin_client, user):
    response = admin_client.post(
        f"/admin/users/user/{user.pk}/change/", admin_user_data(user, **{"profile-0-bio": "Hi"})
    )

    assert response.status_code == 302
    assert Profile.objects.get(user=user).bio == "Hi"


def test_adding_a_user_in_the_admin_creates_one_profile(admin_client):
    response = admin_client.post(
        "/admin/users/user/add/", admin_add_user_data("carol", "Carol@Example.com")
    )

    assert response.status_code == 302
    carol = User.objects.get(username="carol")
    assert carol.email == "carol@example.com"
    assert Profile.objects.filter(user=carol).count() == 1


def test_adding_two_users_in_the_admin_works(admin_client):
    for name in ("carol", "dave"):
        response = admin_client.post(
            "/admin/users/user/add/", admin_add_user_data(name, f"{name}@example.com")
        )
        assert response.status_code == 302

    assert User.objects.filter(username__in=["carol", "dave"]).count() == 2


def test_adding_a_user_with_a_taken_email_in_the_admin_shows_a_form_error(admin_client, user):
    response = admin_client.post(
        "/admin/users/user/add/", admin_add_user_data("carol", "ALICE@example.com")
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="carol").exists()


def test_changing_a_users_email_to_a_taken_one_in_the_admin_shows_a_form_error(
    admin_client, user, other_user
):
    response = admin_client.post(
        f"/admin/users/user/{user.pk}/change/",
        admin_user_data(user, email=other_user.email.upper()),
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_the_image_preview_is_styled_by_the_admin_stylesheet_not_inline(admin_client, user):
    post = PostFactory(author=user, image=ImageFactory())

    page = admin_client.get(f"/admin/blog/post/{post.pk}/change/").text

    preview = re.search(r'<img src="[^"]+thumbnail[^"]*"[^>]*>', page).group(0)
    assert 'class="admin-thumb"' in preview and "style=" not in preview
    assert re.search(r'href="/static/css/admin\.[0-9a-f]{12}\.css"', page)
    css = (settings.BASE_DIR / "static/css/admin.css").read_text()
    assert re.search(r"\.admin-thumb\s*{\s*max-width:", css)
