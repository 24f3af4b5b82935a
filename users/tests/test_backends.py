"""A signed-in request's user is kept in the cache while no user changes (users/backends.py): no
query for it meanwhile, and any change to it shows on the next request. Through two instances:
cblog/tests/test_page_cache_instances.py."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.tests.factories import PostFactory
from cblog.page_cache import is_cache_shared
from users.models import User
from users.tests.factories import TEST_PASSWORD
from users.tests.test_views import change_password, profile_data


@pytest.fixture
def kept_users(settings):
    settings.FRAGMENT_CACHE_SECONDS = 300  # kept in Redis, or checked against the version row
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def signed_in(client, user, kept_users):
    client.force_login(user)
    assert client.get("/").context["user"] == user  # now kept
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a write's after-commit work, the version bump among it, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def user_reads(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in queries if "users_user" in query["sql"]]


def test_a_kept_user_is_read_without_a_query(signed_in):
    assert user_reads(signed_in) == []


def test_a_kept_signed_in_home_runs_no_query_but_the_version_check_without_redis(
    client, user, kept_users, django_assert_max_num_queries
):
    PostFactory.create_batch(3, author=user)
    client.force_login(user)
    client.get("/")

    # Without Redis, the version row: read once, for the user and the page's fragments alike.
    with django_assert_max_num_queries(0 if is_cache_shared() else 1) as queries:
        assert client.get("/").status_code == 200
    assert all("cblog_contentversion" in query["sql"] for query in queries.captured_queries)


def test_with_shared_fragments_off_every_request_reads_the_user(client, user, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    client.force_login(user)
    client.get("/")

    assert len(user_reads(client)) == 1


def test_a_name_change_shows_in_the_header_on_the_next_request(signed_in, user, committed):
    with committed():
        signed_in.post("/users/profile/", profile_data(user, first_name="Alicia", last_name="Lee"))

    assert "Alicia Lee" in signed_in.get("/").text


def test_a_user_made_staff_sees_the_admin_link_on_the_next_request(signed_in, user, committed):
    assert "/admin/" not in signed_in.get("/").text
    with committed():
        user.is_staff = True
        user.save()

    assert "/admin/" in signed_in.get("/").text


@pytest.mark.parametrize("change", ["deactivated", "deleted"])
def test_a_deactivated_or_deleted_user_is_signed_out_on_the_next_request(
    signed_in, user, committed, change
):
    with committed():
        if change == "deleted":
            user.delete()
        else:
            user.is_active = False
            user.save()

    assert signed_in.get("/").context["user"].is_anonymous


def test_a_password_change_signs_out_the_users_other_sessions(signed_in, user, committed):
    other = Client()
    other.force_login(user)
    with committed():
        assert change_password(other).status_code == 302

    assert other.get("/").context["user"] == user  # kept signed in, as before
    assert signed_in.get("/").context["user"].is_anonymous


def test_a_permission_taken_away_counts_on_the_next_request(signed_in, user, committed):
    with committed():
        user.is_staff = True
        user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_post"))
    assert signed_in.get("/admin/blog/post/").status_code == 200

    user.user_permissions.clear()  # no version bump: permissions are never kept with the user

    assert signed_in.get("/admin/blog/post/").status_code == 403


def test_a_kept_user_never_saves_an_older_sign_in_time(signed_in, user, committed):
    signing_in = {"username": user.username, "password": TEST_PASSWORD}
    assert Client().post("/users/login/", signing_in).status_code == 302
    last_login = User.objects.get(pk=user.pk).last_login

    with committed():
        signed_in.post("/users/profile/", profile_data(user, bio="Rivers."))

    assert User.objects.get(pk=user.pk).last_login == last_login


def test_a_password_saved_alone_signs_out_the_users_sessions(signed_in, user, committed):
    """As when a sign-in upgrades the password's hash, or a management command sets it."""
    with committed():
        user.set_password("a-new-long-unusual-passphrase")
        user.save(update_fields=["password"])

    assert signed_in.get("/").context["user"].is_anonymous


def test_a_session_signed_in_before_the_cached_backend_stays_signed_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    assert client.get("/").context["user"] == user


def test_a_sign_in_is_kept_by_the_cached_backend(client, user):
    client.post("/users/login/", {"username": user.username, "password": TEST_PASSWORD})

    assert client.session["_auth_user_backend"] == "users.backends.CachedModelBackend"
