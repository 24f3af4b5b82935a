import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from blog.models import Post
from blog.services import post_create
from blog.tests.factories import PostFactory
from cblog.images.models import Image
from cblog.images.processing import POST_IMAGE, process_image
from cblog.images.tests.files import make_jpeg
from users.models import Profile, User
from users.tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "another-long-unusual-passphrase-42"
RESET_LINK = re.compile(r"(https?)://([^/\s]+)(/users/password-reset/\S+)")


def jpeg_upload(width=800, height=600, name="me.jpg"):
    return SimpleUploadedFile(name, make_jpeg(width, height), content_type="image/jpeg")


def registration(**overrides):
    data = {
        "username": "carol",
        "email": "carol@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return {**data, **overrides}


def profile_data(user, **overrides):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "bio": user.profile.bio,
    }
    return {**data, **overrides}


def change_password(client, old_password=TEST_PASSWORD):
    """POSTs the password-change form, from old_password to NEW_PASSWORD."""
    return client.post(
        "/users/password-change/",
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


def stored(image):
    return [default_storage.exists(name) for name in image.file_names]


@pytest.fixture
def avatar_of(client, django_capture_on_commit_callbacks):
    """Uploads an avatar for the signed-in user through the profile page and returns its row."""

    def upload(user, **size):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/users/profile/", profile_data(user, avatar=jpeg_upload(**size))
            )
        assert response.status_code == 302
        return Profile.objects.get(user=user).avatar

    return upload


# Registration


@pytest.mark.django_db
def test_registration_creates_the_user_with_a_profile_and_signs_them_in(client):
    response = client.post("/users/register/", registration())

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="carol")
    assert Profile.objects.filter(user=user).count() == 1
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.django_db
def test_registration_stores_the_email_lower_cased(client):
    client.post("/users/register/", registration(email="Carol.Smith@Example.COM"))

    assert User.objects.get(username="carol").email == "carol.smith@example.com"


def test_registration_with_an_email_taken_in_another_case_is_refused(client, user):
    response = client.post("/users/register/", registration(email=user.email.upper()))

    assert response.status_code == 400
    assert "An account with this email address already exists." in response.text
    assert not User.objects.filter(username="carol").exists()
    assert Profile.objects.count() == 1


@pytest.mark.parametrize("username", ["alice", "ALICE", "Alice"])
def test_registration_with_a_taken_username_is_refused(client, user, username):
    response = client.post("/users/register/", registration(username=username))

    assert response.status_code == 400
    assert "A user with that username already exists." in response.text
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": NEW_PASSWORD + "x"}, "password2", "The two password fields"),
        ({"password1": "password", "password2": "password"}, "password2", "too common"),
        ({"password1": "12", "password2": "12"}, "password2", "too short"),
        ({"password1": "73918264517", "password2": "73918264517"}, "password2", "numeric"),
        (
            {"username": "riverwalker", "password1": "riverwalker1", "password2": "riverwalker1"},
            "password2",
            "too similar",
        ),
        ({"username": ""}, "username", "This field is required."),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"password1": "", "password2": ""}, "password1", "This field is required."),
        ({"username": "u" * 151}, "username", "at most 150 characters"),
        ({"username": "<script>alert(1)</script>"}, "username", "Enter a valid username."),
    ],
    ids=[
        "mismatched-passwords",
        "common-password",
        "short-password",
        "numeric-password",
        "password-like-username",
        "empty-username",
        "empty-email",
        "invalid-email",
        "empty-passwords",
        "username-too-long",
        "markup-in-username",
    ],
)
def test_registration_with_invalid_data_is_refused_with_a_form_error(
    client, overrides, field, message
):
    response = client.post("/users/register/", registration(**overrides))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not User.objects.exists()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_registration_form_echoes_markup_in_the_username_escaped(client):
    response = client.post("/users/register/", registration(username="<script>alert(1)</script>"))

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_registration_page_redirects_a_signed_in_user(client, user):
    client.force_login(user)

    response = client.get("/users/register/")

    assert response.status_code == 302
    assert response["Location"] == "/"


# Login and logout


def test_login_with_the_right_password_signs_the_user_in(client, user):
    response = client.post("/users/login/", {"username": "alice", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong-password"), ("nobody", TEST_PASSWORD), ("alice", "")],
    ids=["wrong-password", "unknown-user", "empty-password"],
)
def test_login_with_bad_credentials_shows_the_form_again_with_an_error(
    client, user, username, password
):
    response = client.post("/users/login/", {"username": username, "password": password})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert SESSION_KEY not in client.session


def test_logout_refuses_get(client, user):
    client.force_login(user)

    response = client.get("/users/logout/")

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(user.pk)


def test_logout_by_post_signs_the_user_out(client, user):
    client.force_login(user)

    response = client.post("/users/logout/")

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_logout_without_a_csrf_token_is_refused_and_keeps_the_user_signed_in(user):
    # Otherwise any site could sign a reader out with a hidden form.
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/users/logout/")

    assert response.status_code == 403
    assert client.session[SESSION_KEY] == str(user.pk)


# Profile


@pytest.mark.django_db
def test_profile_page_requires_sign_in(client):
    response = client.get("/users/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/users/login/?next=/users/profile/"


def test_profile_update_saves_bio_and_a_lower_cased_email(client, user):
    client.force_login(user)

    response = client.post(
        "/users/profile/",
        profile_data(
            user,
            bio="I walk by rivers.",
            email="Alice.New@Example.com",
            current_password=TEST_PASSWORD,
        ),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "alice.new@example.com"
    assert user.profile.bio == "I walk by rivers."


def test_profile_update_to_another_users_email_in_another_case_changes_nothing(
    client, user, other_user
):
    client.force_login(user)

    response = client.post(
        "/users/profile/", profile_data(user, bio="New bio", email=other_user.email.upper())
    )

    assert response.status_code == 400
    assert "An account with this email address already exists." in response.text
    user.refresh_from_db()
    assert user.email == "alice@example.com"
    assert Profile.objects.get(user=user).bio == ""


def test_profile_update_with_a_bio_over_1000_characters_is_refused(client, user):
    client.force_login(user)

    response = client.post("/users/profile/", profile_data(user, bio="x" * 1001))

    assert response.status_code == 400
    assert "bio" in response.context["profile_form"].errors
    assert Profile.objects.get(user=user).bio == ""


def test_avatar_upload_stores_square_renditions(client, user, avatar_of):
    client.force_login(user)

    avatar = avatar_of(user, width=800, height=600)

    assert (avatar.width, avatar.height) == (800, 600)
    assert (avatar.display_width, avatar.display_height) == (400, 400)
    assert (avatar.thumbnail_width, avatar.thumbnail_height) == (96, 96)
    assert stored(avatar) == [True, True, True]
    assert all(name.startswith("users/") for name in avatar.file_names)


def test_replacing_the_avatar_deletes_the_old_files_after_commit(client, user, avatar_of):
    client.force_login(user)
    old = avatar_of(user)

    new = avatar_of(user, width=500, height=500)

    assert new.pk != old.pk
    assert not Image.objects.filter(pk=old.pk).exists()
    assert stored(old) == [False, False, False]
    assert stored(new) == [True, True, True]


def test_clearing_the_avatar_deletes_its_row_and_files(
    client, user, avatar_of, django_capture_on_commit_callbacks
):
    client.force_login(user)
    old = avatar_of(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/users/profile/", profile_data(user, **{"avatar-clear": "on"}))

    assert response.status_code == 302
    assert Profile.objects.get(user=user).avatar is None
    assert not Image.objects.exists()
    assert stored(old) == [False, False, False]


def test_profile_page_offers_to_clear_an_existing_avatar(client, user, avatar_of):
    client.force_login(user)
    avatar_of(user)

    response = client.get("/users/profile/")

    assert 'name="avatar-clear"' in response.text


def test_profile_update_without_a_new_upload_keeps_the_avatar(client, user, avatar_of):
    client.force_login(user)
    avatar = avatar_of(user)

    response = client.post("/users/profile/", profile_data(user, bio="Still me."))

    assert response.status_code == 302
    assert Profile.objects.get(user=user).avatar_id == avatar.pk
    assert stored(avatar) == [True, True, True]


def test_avatar_that_is_not_an_image_is_refused_and_the_profile_is_unchanged(
    client, user, avatar_of
):
    client.force_login(user)
    old = avatar_of(user)
    text = SimpleUploadedFile("me.jpg", b"just some text", content_type="image/jpeg")

    response = client.post("/users/profile/", profile_data(user, bio="changed", avatar=text))

    assert response.status_code == 400
    assert "Upload a JPEG, PNG, WebP or GIF image; this file is not one." in response.text
    profile = Profile.objects.get(user=user)
    assert (profile.avatar_id, profile.bio) == (old.pk, "")
    assert Image.objects.count() == 1
    assert stored(old) == [True, True, True]


# Password change


@pytest.mark.django_db
def test_password_change_requires_sign_in(client):
    response = client.get("/users/password-change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/users/login/")


def test_password_change_with_a_wrong_old_password_is_refused(client, user):
    client.force_login(user)

    response = change_password(client, old_password="wrong")

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_password_change_sets_the_new_password_and_keeps_the_user_signed_in(client, user):
    client.force_login(user)

    response = change_password(client)

    assert response.status_code == 302
    assert response["Location"] == "/users/password-change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/users/profile/").status_code == 200


# Password reset


def test_password_reset_for_unknown_email_looks_identical_to_known_email(client, user):
    known = client.post("/users/password-reset/", {"email": user.email})
    unknown = client.post("/users/password-reset/", {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (302, "/users/password-reset/done/")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])


def test_password_reset_sends_one_mail_with_a_link_to_the_registered_address(
    client, user, mailoutbox
):
    client.post("/users/password-reset/", {"email": "ALICE@example.com"})
    client.post("/users/password-reset/", {"email": "nobody@example.com"})

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    assert RESET_LINK.search(mailoutbox[0].body)


def test_password_reset_link_sets_a_new_password_end_to_end(client, user, mailoutbox):
    client.post("/users/password-reset/", {"email": user.email})
    link = RESET_LINK.search(mailoutbox[0].body).group(3)

    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert form_page.context["validlink"] is True
    assert response.status_code == 302
    assert response["Location"] == "/users/password-reset/complete/"
    signed_in = client.post("/users/login/", {"username": "alice", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_link_uses_the_request_host_when_it_is_allowed(
    client, user, mailoutbox, settings
):
    settings.ALLOWED_HOSTS = ["blog.example.com"]

    client.post("/users/password-reset/", {"email": user.email}, HTTP_HOST="blog.example.com")

    assert RESET_LINK.search(mailoutbox[0].body).group(2) == "blog.example.com"


def test_password_reset_with_a_host_not_allowed_is_refused_without_mail(client, user, mailoutbox):
    response = client.post(
        "/users/password-reset/", {"email": user.email}, HTTP_HOST="evil.example.net"
    )

    assert response.status_code == 400
    assert mailoutbox == []


# Author page


def test_author_page_lists_only_the_authors_published_posts(client, user, other_user):
    PostFactory(author=user, title="Published by alice")
    PostFactory(author=user, title="Draft by alice", draft=True)
    PostFactory(author=other_user, title="Published by bob")

    response = client.get("/author/alice/")

    assert response.status_code == 200
    assert "Published by alice" in response.text
    assert "Draft by alice" not in response.text
    assert "Published by bob" not in response.text


def test_author_page_escapes_markup_in_the_bio(client, user):
    PostFactory(author=user)
    Profile.objects.filter(user=user).update(bio="<script>alert(1)</script>")

    response = client.get("/author/alice/")

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.django_db
def test_author_page_for_an_unknown_author_is_404(client):
    assert client.get("/author/nobody/").status_code == 404


# Deleting a user


@pytest.fixture
def author_with_images(client, user, avatar_of):
    """alice with an avatar and a post with an image; returns every stored file name."""
    client.force_login(user)
    avatar = avatar_of(user)
    upload = SimpleUploadedFile("river.jpg", make_jpeg(), content_type="image/jpeg")
    post = post_create(
        author=user,
        data={"title": "River", "content": "Water.", "status": Post.Status.PUBLISHED},
        image=process_image(upload, POST_IMAGE),
    )
    names = avatar.file_names + post.image.file_names
    assert all(default_storage.exists(name) for name in names)
    return names


def test_deleting_a_user_deletes_their_image_files_after_commit(
    user, author_with_images, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()

    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in author_with_images)


def test_deleting_a_user_in_the_admin_deletes_their_image_files_after_commit(
    client, user, staff_user, author_with_images, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/users/user/{user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in author_with_images)


def test_deleting_one_user_keeps_other_users_files(
    user, author_with_images, django_capture_on_commit_callbacks
):
    bob = UserFactory(username="bob")
    upload = SimpleUploadedFile("bob.jpg", make_jpeg(), content_type="image/jpeg")
    bobs = post_create(
        author=bob,
        data={"title": "Bob's", "content": "Hi.", "status": Post.Status.PUBLISHED},
        image=process_image(upload, POST_IMAGE),
    )

    with django_capture_on_commit_callbacks(execute=True):
        user.delete()

    assert all(default_storage.exists(name) for name in bobs.image.file_names)


def test_reset_mail_goes_out_only_after_the_response_is_sent(user, mailoutbox, rf):
    from users.views import PasswordResetView

    def reset(email):
        # The view itself, as a WSGI server calls it: close() comes after the response is sent.
        request = rf.post("/users/password-reset/", {"email": email})
        request._dont_enforce_csrf_checks = True
        return PasswordResetView.as_view()(request)

    known, unknown = reset(user.email), reset("nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert mailoutbox == []
    known.close()
    unknown.close()
    assert [message.to for message in mailoutbox] == [[user.email]]
