"""Accounts stay distinct: normalised email addresses and look-alike usernames."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import IntegrityError

from users.forms import AdminUserAddForm, RegistrationForm
from users.models import User
from users.tests.factories import TEST_PASSWORD, UserFactory
from users.tests.test_views import NEW_PASSWORD, profile_data, registration

INVISIBLES = ["\u200b", "\u00ad", "\ufeff", "\u200d", "\u2060", "\u180e"]


@pytest.mark.parametrize("invisible", INVISIBLES, ids=[f"U+{ord(c):04X}" for c in INVISIBLES])
def test_registration_refuses_an_email_with_an_invisible_code_point(client, user, invisible):
    response = client.post("/users/register/", registration(email=f"{user.email}{invisible}"))

    assert response.status_code == 400
    assert "Email addresses cannot contain invisible characters." in response.text
    assert User.objects.count() == 1


def test_registration_refuses_an_email_that_is_taken_once_normalised(client, user):
    fullwidth = "ＡＬＩＣＥ@example.com"  # NFKC: alice@example.com

    response = client.post("/users/register/", registration(email=fullwidth))

    assert response.status_code == 400
    assert "An account with this email address already exists." in response.text


@pytest.mark.django_db
def test_registration_stores_the_email_in_nfkc(client):
    client.post("/users/register/", registration(email="ｃａｒｏｌ@example.com"))

    assert User.objects.get(username="carol").email == "carol@example.com"


def test_profile_refuses_an_email_with_an_invisible_code_point(client, user):
    client.force_login(user)

    response = client.post(
        "/users/profile/",
        profile_data(user, email="alice\u200b@example.com", current_password=TEST_PASSWORD),
    )

    assert response.status_code == 400
    assert "invisible characters" in response.text
    user.refresh_from_db()
    assert user.email == "alice@example.com"


@pytest.mark.parametrize(
    "look_alike",
    ["\u0430lice", "Alice", "ａｌｉｃｅ", "al\u0131ce"],
    ids=["cyrillic-a", "capital", "fullwidth", "dotless-i"],
)
def test_registration_refuses_a_username_that_looks_like_an_existing_one(client, user, look_alike):
    response = client.post("/users/register/", registration(username=look_alike))

    assert response.status_code == 400
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("existing", "look_alike"), [("bob", "b0b"), ("paypal", "paypaI"), ("neo", "n\u0435o")]
)
def test_the_look_alike_message_names_the_reason(client, db, existing, look_alike):
    UserFactory(username=existing)

    response = client.post("/users/register/", registration(username=look_alike))

    assert response.status_code == 400
    assert "looks too much like an existing one" in response.text


def test_registration_accepts_a_username_that_only_shares_letters(client, user):
    response = client.post("/users/register/", registration(username="alicia"))

    assert response.status_code == 302


def test_the_look_alike_check_is_one_query_on_the_indexed_skeleton(
    user, django_assert_max_num_queries
):
    UserFactory.create_batch(20)
    form = RegistrationForm(registration(username="\u0430lice"))

    # Username in any case, skeleton, email, the model's unique check: one query each, however
    # many users exist.
    with django_assert_max_num_queries(4):
        assert not form.is_valid()
    assert "username" in form.errors
    assert User._meta.get_field("username_skeleton").db_index


def test_admin_refuses_a_look_alike_username_and_an_invisible_email(user):
    form = AdminUserAddForm(
        {
            "username": "\u0430lice",
            "email": "carol@example.com\u200d",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        }
    )

    assert not form.is_valid()
    assert set(form.errors) == {"username", "email"}


def test_the_admin_change_form_refuses_a_taken_address(admin_client, user, other_user):
    response = admin_client.post(
        f"/admin/users/user/{other_user.pk}/change/",
        {"username": other_user.username, "email": "ALICE@example.com", "date_joined_0": "x"},
    )

    assert response.status_code == 200
    assert "An account with this email address already exists." in response.text


@pytest.mark.django_db
def test_every_save_stores_the_skeleton(user):
    User.objects.filter(pk=user.pk).update(username_skeleton="")
    user.save()

    user.refresh_from_db()
    assert user.username_skeleton == "alice"


def test_the_database_check_reports_an_address_stored_before_normalisation(user):
    User.objects.filter(pk=user.pk).update(email="Alice\u200b@example.com")  # skips save()

    with pytest.raises(SystemCheckError, match=r"users\.W001"):
        call_command("check", databases=["default"], fail_level="WARNING")


def test_the_database_check_reports_addresses_that_clash_once_normalised(user, other_user):
    try:
        User.objects.filter(pk=other_user.pk).update(email="alice@example.com\u200b")
    except IntegrityError:
        pytest.skip("this database's collation already treats the two addresses as one")

    with pytest.raises(SystemCheckError, match=r"users\.W002"):
        call_command("check", databases=["default"], fail_level="WARNING")


def test_the_database_check_reports_look_alike_usernames(user, other_user):
    User.objects.filter(pk=other_user.pk).update(username="\u0430lice", username_skeleton="alice")

    with pytest.raises(SystemCheckError, match=r"users\.W004"):
        call_command("check", databases=["default"], fail_level="WARNING")


def test_the_database_check_reports_a_missing_skeleton(user):
    User.objects.filter(pk=user.pk).update(username_skeleton="")

    with pytest.raises(SystemCheckError, match=r"users\.W003"):
        call_command("check", databases=["default"], fail_level="WARNING")


def test_the_database_check_passes_on_distinct_accounts(user, other_user):
    call_command("check", databases=["default"], fail_level="WARNING")
