"""Sessions live in the database and, with Redis, are read through it and kept in each process
until they change: a signed-in page neither queries its session nor asks Redis for it. Signing
out through one instance ends the session on every other (test_page_cache_instances.py)."""

import runpy
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cblog.page_cache import watch

SETTINGS = Path(__file__).resolve().parents[1] / "settings.py"


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        ("redis://cache.internal:6379/0", "users.sessions"),
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_read_through_the_cache_only_when_it_is_shared(monkeypatch, redis_url, engine):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    settings = runpy.run_path(str(SETTINGS))
    assert settings["SESSION_ENGINE"] == engine


def test_a_cached_session_is_read_without_a_query(client, user, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(user)
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 200 and response.context["user"] == user
    tables = " ".join(query["sql"] for query in queries)
    assert "users_user" in tables and "django_session" not in tables


@pytest.fixture
def kept_sessions(settings, redis_url, monkeypatch):
    """Sessions and users kept by this process, on a real Redis (users/sessions.py)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "cblog.redis_cache.FailSoftRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-sessions-{uuid.uuid4().hex[:12]}",
        }
    }
    settings.SESSION_ENGINE = "users.sessions"
    settings.FRAGMENT_CACHE_SECONDS = 300
    monkeypatch.setattr(watch, "RECHECK_SECONDS", 3600)  # no periodic check in the middle
    yield
    watch.reset()


def redis_commands(client, path="/"):
    sent = []
    execute = redis.Redis.execute_command

    def count(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    with mock.patch.object(redis.Redis, "execute_command", count):
        response = client.get(path)
    return response, sent


def test_a_kept_session_is_read_without_asking_redis(client, user, kept_sessions):
    client.force_login(user)
    client.get("/")

    response, sent = redis_commands(client)

    assert response.context["user"] == user and sent == []


def test_a_signed_in_page_reads_the_version_once(client, user, kept_sessions):
    client.force_login(user)
    client.get("/")
    polls = mock.patch.object(watch, "news", wraps=watch.news)

    with polls as news:
        assert client.get("/").context["user"] == user

    # The session, the user and the page's fragments share one look at the subscription.
    assert news.poll.call_count == 1


def test_signing_out_ends_the_kept_session(
    client, user, kept_sessions, django_capture_on_commit_callbacks
):
    client.force_login(user)
    client.get("/")
    session_id = client.cookies["sessionid"].value
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/users/logout/")

    stale = Client()
    stale.cookies["sessionid"] = session_id

    assert stale.get("/").context["user"].is_anonymous


def test_a_kept_session_ends_when_its_time_is_up(
    client, user, kept_sessions, django_capture_on_commit_callbacks
):
    client.force_login(user)
    session = client.session
    session.set_expiry(1)
    with django_capture_on_commit_callbacks(execute=True):
        session.save()
    assert client.get("/").context["user"] == user

    time.sleep(1.5)  # Redis forgets the session: the process's copy goes with it

    assert client.get("/").context["user"].is_anonymous
