"""The shared cache on a real Redis, and what happens when Redis cannot be reached."""

import logging

import pytest
from django.core.cache import caches

from conftest import free_port

BACKEND = "cblog.redis_cache.FailSoftRedisCache"


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": redis_url, "KEY_PREFIX": "t"}}
    cache = caches["default"]
    yield cache
    cache.delete_many(["a", "b", "n"])


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": BACKEND, "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    }
    return caches["default"]


def test_redis_cache_stores_and_counts(redis_cache):
    assert redis_cache.add("a", 1, 60)
    assert not redis_cache.add("a", 2, 60)
    assert redis_cache.incr("a") == 2
    redis_cache.set_many({"b": "x"}, 60)
    assert redis_cache.get_many(["a", "b"]) == {"a": 2, "b": "x"}


def test_every_command_reuses_one_client(redis_cache, monkeypatch):
    import redis

    made = []
    monkeypatch.setattr(redis.Redis, "__init__", record(redis.Redis.__init__, made))
    for _ in range(3):
        redis_cache.set("a", 1, 60)
        assert redis_cache.get("a") == 1

    assert len(made) <= 1


def record(init, made):
    def recording(self, *args, **kwargs):
        made.append(self)
        init(self, *args, **kwargs)

    return recording


def test_the_settings_use_redis_when_redis_url_is_set(monkeypatch):
    import runpy
    from pathlib import Path

    import cblog

    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/3")
    monkeypatch.setenv("CACHE_KEY_PREFIX", "site-a")
    settings = runpy.run_path(str(Path(cblog.__file__).parent / "settings.py"))
    assert settings["CACHES"]["default"]["BACKEND"] == BACKEND
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/3"
    assert settings["CACHES"]["default"]["KEY_PREFIX"] == "site-a"


def test_an_unreachable_redis_is_a_miss_not_an_error(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="cblog.redis_cache"):
        assert unreachable_cache.get("a", "default") == "default"
        assert unreachable_cache.add("a", 1, 60) is False
        unreachable_cache.set("a", 1, 60)
        assert unreachable_cache.get_many(["a"]) == {}
        assert unreachable_cache.has_key("a") is False
        assert unreachable_cache.incr("a") == 0
    assert "Redis unavailable" in caplog.text


def test_two_instances_share_one_count(redis_url):
    """Two app instances are two clients with their own connection pools, one Redis."""
    from cblog.redis_cache import FailSoftRedisCache

    first, second = (FailSoftRedisCache(redis_url, {"KEY_PREFIX": "shared"}) for _ in range(2))
    first.delete("attempts")
    first.add("attempts", 1, 60)
    assert second.incr("attempts") == 2
    assert first.get("attempts") == 2
    first.delete("attempts")
