"""Sessions live in the database and, with Redis, are read through it: a signed-in page does not
query its session. Signing out through one instance ends the session on every other
(test_page_cache_instances.py)."""

import runpy
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

SETTINGS = Path(__file__).resolve().parents[1] / "settings.py"


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [("redis://cache.internal:6379/0", "cached_db"), ("", "db")],
)
def test_sessions_are_read_through_the_cache_only_when_it_is_shared(monkeypatch, redis_url, engine):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    settings = runpy.run_path(str(SETTINGS))
    assert settings["SESSION_ENGINE"] == f"django.contrib.sessions.backends.{engine}"


def test_a_cached_session_is_read_without_a_query(client, user, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(user)
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 200 and response.context["user"] == user
    tables = " ".join(query["sql"] for query in queries)
    assert "users_user" in tables and "django_session" not in tables
