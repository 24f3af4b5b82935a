"""Changing the email address or the password needs the current password and is told by mail."""

import pytest
from django.core import mail

from blog.tests.factories import PostFactory
from users.tests.factories import TEST_PASSWORD, StaffFactory
from users.tests.test_views import NEW_PASSWORD, RESET_LINK, change_password, profile_data


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("password", ["", "wrong-password"], ids=["missing", "wrong"])
def test_changing_the_email_without_the_current_password_is_refused(signed_in, user, password):
    response = signed_in.post(
        "/users/profile/",
        profile_data(user, email="thief@example.net", current_password=password),
    )

    assert response.status_code == 400
    assert "Enter your current password to change your email address." in response.text
    user.refresh_from_db()
    assert user.email == "alice@example.com"
    assert mail.outbox == []


def test_changing_the_email_tells_the_previous_address(
    signed_in, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            "/users/profile/",
            profile_data(user, email="alice@new.example", current_password=TEST_PASSWORD),
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "alice@new.example"
    [notice] = mail.outbox
    assert notice.to == ["alice@example.com"]
    assert "email address" in notice.subject
    assert "alice@new.example" in notice.body


def test_other_profile_fields_change_without_the_password_and_send_nothing(
    signed_in, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/users/profile/", profile_data(user, bio="Rivers."))

    assert response.status_code == 302
    assert mail.outbox == []


def test_changing_the_password_tells_the_account_address(
    signed_in, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(signed_in)

    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.to == ["alice@example.com"]
    assert "password" in notice.subject


def test_resetting_the_password_tells_the_account_address(
    client, user, django_capture_on_commit_callbacks
):
    client.post("/users/password-reset/", {"email": user.email})
    link = RESET_LINK.search(mail.outbox[0].body).group(3)
    form_url = client.get(link)["Location"]  # the token moves into the session
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.to == ["alice@example.com"]
    assert "password" in notice.subject


def test_a_failing_mail_server_does_not_undo_the_change(
    signed_in, user, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            "/users/profile/",
            profile_data(user, email="alice@new.example", current_password=TEST_PASSWORD),
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "alice@new.example"


# Author pages


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["user", "superuser"])
def test_author_page_is_404_for_an_account_without_published_posts(client, user, role):
    account = user if role == "user" else StaffFactory(username="root")
    PostFactory(author=account, draft=True)

    assert client.get(f"/author/{account.username}/").status_code == 404


def test_author_page_exists_once_the_author_has_a_published_post(client, user):
    PostFactory(author=user)

    assert client.get("/author/alice/").status_code == 200


def test_profile_links_to_the_author_page_only_when_there_is_one(signed_in, user):
    assert "public author page" not in signed_in.get("/users/profile/").text

    PostFactory(author=user)

    assert "public author page" in signed_in.get("/users/profile/").text
