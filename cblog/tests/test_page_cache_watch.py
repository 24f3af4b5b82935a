"""Each process keeps current pages and fragments, and the content version, in its own memory. On
a real Redis, a bump made by any other instance is seen on the next read, even when its message
or the subscription is lost; without Redis, the version row in the database tells every process."""

import threading
import time
import uuid

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.db import connection
from django.db.models import F

from cblog.models import ContentVersion
from cblog.page_cache import (
    BUMPS_CHANNEL,
    VERSION_KEY,
    bump_version,
    content_version,
    keep_current,
    read_current,
    request_begins,
    request_ends,
    shared_until_changed,
    watch,
)


@pytest.fixture
def shared_cache(settings, redis_url):
    prefix = f"test-watch-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "cblog.redis_cache.FailSoftRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    cache = caches["default"]
    yield cache
    cache.delete_many([VERSION_KEY, "page:a"])
    watch.reset()


@pytest.fixture
def other_instance(shared_cache, redis_url):
    """Bumps the version as another instance does: through a Redis client of its own."""
    client = redis.Redis.from_url(redis_url)

    def bump(publish=True):
        client.incr(shared_cache.make_key(VERSION_KEY))
        if publish:
            client.publish(shared_cache.make_key(BUMPS_CHANNEL), b"")

    yield bump
    client.close()


@pytest.fixture
def kept(shared_cache):
    """A page kept under the current version, then removed from Redis behind the process's back:
    only this process's memory still holds it."""
    version = content_version()
    keep_current("page:a", version, "hello", 60)
    shared_cache.delete("page:a")
    return version


def test_a_current_value_is_read_from_the_process_memory(kept):
    assert read_current(["page:a"]) == (kept, {"page:a": "hello"})


def test_a_bump_by_another_instance_is_seen_on_the_next_read(kept, other_instance):
    other_instance()

    assert read_current(["page:a"]) == (kept + 1, {})


def test_a_bump_whose_message_is_lost_is_seen_at_the_next_recheck(kept, other_instance):
    other_instance(publish=False)
    assert read_current(["page:a"])[0] == kept  # trusted until the recheck

    watch.checked -= watch.RECHECK_SECONDS + 1

    assert read_current(["page:a"]) == (kept + 1, {})


def test_a_bump_while_the_subscription_is_down_is_seen_on_the_next_read(kept, other_instance):
    watch.pubsub.connection.disconnect()  # as when Redis restarts: messages meanwhile are lost
    other_instance()

    assert read_current(["page:a"]) == (kept + 1, {})
    assert read_current(["page:a"]) == (kept + 1, {})  # and once subscribed again


def test_a_value_kept_at_an_older_version_is_not_kept_in_memory(shared_cache, other_instance):
    version = content_version()
    other_instance()

    keep_current("page:a", version, "rendered before the bump", 60)
    shared_cache.delete("page:a")

    assert read_current(["page:a"]) == (version + 1, {})


def test_a_value_kept_in_memory_expires_with_its_timeout(kept):
    # A page kept until the next scheduled post turns public must not outlive that moment here.
    with time_machine.travel(time.time() + 61):
        assert read_current(["page:a"]) == (kept, {})


@pytest.fixture
def in_a_request():
    request_begins()
    yield
    request_ends()


def test_a_request_reads_the_version_once(kept, other_instance, in_a_request):
    assert content_version() == kept
    other_instance()  # another request's write: this one goes on with the version it read

    assert content_version() == kept


def test_a_request_sees_its_own_write_on_its_next_read(kept, in_a_request):
    assert content_version() == kept
    bump_version()

    assert read_current(["page:a"]) == (kept + 1, {})


@pytest.fixture
def local_cache(settings, db):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_without_redis_a_process_keeps_what_it_read_under_the_version_row(local_cache):
    version = content_version()
    keep_current("page:a", version, "hello", 60)

    assert read_current(["page:a"]) == (version, {"page:a": "hello"})
    assert ContentVersion.objects.get().version == version


def test_without_redis_a_bump_by_another_instance_is_seen_on_the_next_read(local_cache):
    version = content_version()
    keep_current("page:a", version, "hello", 60)

    ContentVersion.objects.update(version=F("version") + 1)  # as another instance bumps it

    assert read_current(["page:a"]) == (version + 1, {})


def test_without_redis_a_request_reads_the_version_row_once(
    local_cache, in_a_request, django_assert_num_queries
):
    version = content_version()

    with django_assert_num_queries(0):
        assert read_current(["page:a"]) == (version, {})


def test_without_redis_a_request_sees_its_own_write_on_its_next_read(local_cache, in_a_request):
    version = content_version()
    bump_version()

    assert content_version() == version + 1


def test_without_redis_a_bump_starts_the_version_row_when_it_is_missing(local_cache):
    bump_version()
    first = ContentVersion.objects.get().version
    bump_version()

    assert ContentVersion.objects.get().version == first + 1


def test_threads_that_miss_a_value_at_once_read_it_once(shared_cache, settings, transactional_db):
    settings.FRAGMENT_CACHE_SECONDS = 300
    reading, done, reads, seen = threading.Event(), threading.Event(), [], []

    def read():
        reads.append(threading.get_ident())
        reading.set()
        done.wait(5)
        return "the menu"

    def reader():
        try:
            seen.append(shared_until_changed("menu:a", read))
        finally:
            connection.close()  # the thread's own

    first = threading.Thread(target=reader, daemon=True)
    first.start()
    reading.wait(5)
    second = threading.Thread(target=reader, daemon=True)
    second.start()
    second.join(0.3)
    assert second.is_alive()  # waiting for the first thread's read

    done.set()
    first.join(5)
    second.join(5)
    assert seen == ["the menu", "the menu"]
    assert len(reads) == 1
    shared_cache.delete("menu:a")
