"""Whole-page caching for anonymous readers, and the HTTP caching headers of every page.

A request without a session or messages cookie is anonymous: its page is the same for everyone.
It is sent `public` with a short max-age, stale-while-revalidate and an ETag (a conditional GET
gets a 304) and, where the cache is shared by every instance (REDIS_URL), kept whole under its URL
with the content version it was rendered under. Every write bumps the version after its commit
(`content_changed`), so the next request on any instance renders afresh. Every other request's page is `private`.

Content can also change without a write: a scheduled post turns public when its time comes. Apps
name such moments with `changes_at(source)`; a kept page, and its max-age, never outlive the next.

Each process also keeps the values it read or wrote most recently (`VersionWatch`). A value
carries the time it expires, so a process drops it when Redis does. With Redis a process knows the
version without a round trip: every bump is published, and a process reads its subscription
before it trusts what it knows. Without Redis the version is a database row
(cblog.models.ContentVersion) that every request reads, so pages and fragments are kept in each
process alone, yet a write through any process or instance is seen on the next request through
every other. The middleware is cblog.middleware.CacheControlMiddleware.
"""

import hashlib
import logging
import os
import select
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from redis.exceptions import RedisError

from cblog.models import ContentVersion

VERSION_KEY = "page-version"
BUMPS_CHANNEL = "page-version-bumps"
T = TypeVar("T")
logger = logging.getLogger(__name__)

# Callables returning the next time content changes by itself (or None), registered by apps.
change_sources: list[Callable[[], datetime | None]] = []


def changes_at(source: Callable[[], datetime | None]):
    change_sources.append(source)


def seconds_until_next_change(limit: int) -> int:
    """`limit`, or fewer when some content changes by itself before then (at least 1)."""
    now = timezone.now()
    for source in change_sources:
        when = source()
        if when is not None:
            limit = min(limit, max(1, int((when - now).total_seconds()) + 1))
    return limit


@dataclass
class RequestVersion:
    """The version as a request first read it (None until then)."""

    value: int | None = None


# Set while a request runs, so that its page, its session and its user read the version once; a
# bump in the request forgets it, so what follows sees its own write. Outside a request (jobs,
# commands) every read asks.
request_version: ContextVar[RequestVersion | None] = ContextVar("request_version", default=None)


def request_begins(**kwargs):
    request_version.set(RequestVersion())


def request_ends(**kwargs):
    request_version.set(None)


request_started.connect(request_begins)
request_finished.connect(request_ends)


class VersionWatch:
    """The content version, and the latest current values read, known in this process without
    asking Redis.

    Every bump publishes on BUMPS_CHANNEL, to which this process subscribes. Before it trusts what
    it knows, it reads whatever its subscription socket already holds, without waiting: Redis
    sends the message while it runs the bump, which the writing request makes before it answers,
    so the message is here before any later request is. It asks Redis again after a message,
    after RECHECK_SECONDS, and whenever the subscription fails or its connection is made again
    (messages sent meanwhile are lost): then it subscribes anew.
    """

    RECHECK_SECONDS = 5
    VALUES = 300  # pages of 20-50 KB and smaller fragments: at most ~10 MB a process

    def __init__(self):
        self.lock = threading.Lock()
        self.pid = None
        self.channel = None
        self.pubsub = None
        self.socket = self.news = None
        self.reconnected = False
        self.version = None
        self.checked = 0.0
        self.values = OrderedDict()

    def reset(self):
        if self.pubsub is not None and self.pid == os.getpid():
            with suppress(RedisError, OSError):
                self.pubsub.close()
        self.pid, self.channel, self.pubsub, self.version = os.getpid(), None, None, None
        self.values.clear()

    def subscribe(self, redis, channel: str):
        """Subscribes, and waits for Redis to confirm, so that no later bump goes unseen."""
        self.pubsub = redis.pubsub()
        self.pubsub.subscribe(channel)
        if self.pubsub.get_message(timeout=1) is None:
            raise TimeoutError("Redis did not confirm the subscription")
        self.channel, self.reconnected = channel, False
        self.pubsub.connection.register_connect_callback(self.on_reconnect)
        # Polling its socket costs a few µs; asking redis-py whether it holds a message, 20-30.
        self.socket = self.pubsub.connection._sock
        self.news = select.poll()
        self.news.register(self.socket, select.POLLIN)

    def on_reconnect(self, connection):
        self.reconnected = True  # called inside read(), which holds the lock

    def current(self) -> int | None:
        """The version, read once a request; None when it cannot be watched."""
        known = request_version.get()
        if known is not None and known.value is not None:
            return known.value
        version = self.read()
        if known is not None:
            known.value = version
        return version

    def read(self) -> int | None:
        """The version, asking Redis only when needed; None when it cannot be watched."""
        redis, channel = shared_redis()
        if redis is None:
            version = ContentVersion.current()  # read outside the lock: the threads' own queries
            with self.lock:
                if self.pid != os.getpid() or self.channel is not None:
                    self.reset()
                self.learn(version)
                return version
        with self.lock:
            try:
                # A new worker, or other settings: what was known is not this one's.
                if self.pid != os.getpid() or self.channel != channel:
                    self.reset()
                if self.pubsub is None:
                    self.subscribe(redis, channel)
                # A message, the connection closed by Redis, or closed and made again here.
                if self.news.poll(0) or self.pubsub.connection._sock is not self.socket:
                    while self.pubsub.get_message(timeout=0) is not None:
                        self.version = None  # a bump: ask Redis
                if self.reconnected:
                    raise ConnectionError("the subscription's connection was made again")
                if self.version is None or time.monotonic() > self.checked + self.RECHECK_SECONDS:
                    self.learn(stored_version())
                return self.version
            except (RedisError, TimeoutError, OSError) as error:
                logger.warning("Not watching the content version: %s", error)
                self.reset()
                return None

    def learn(self, version: int):
        if version != self.version:
            self.values.clear()
        self.version, self.checked = version, time.monotonic()

    def kept(self, keys, version: int) -> dict:
        """The values kept under these keys that are current: {key: value}."""
        with self.lock:
            found = {key: self.values[key] for key in keys if key in self.values}
            for key in found:
                self.values.move_to_end(key)
            return {key: stored[1] for key, stored in found.items() if is_current(stored, version)}

    def keep(self, key: str, stored: tuple):
        with self.lock:
            if is_current(stored, self.version):
                self.values[key] = stored
                self.values.move_to_end(key)
                while len(self.values) > self.VALUES:
                    self.values.popitem(last=False)


watch = VersionWatch()


def is_cache_shared() -> bool:
    return isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache)


def shared_redis():
    """The Redis client behind the cache and the channel its bumps go to, or (None, None) for a
    cache in local memory, whose version is in the database."""
    if not is_cache_shared():
        return None, None
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend._cache.get_client(write=True), backend.make_key(BUMPS_CHANNEL)


def content_version() -> int:
    version = watch.current()
    return stored_version() if version is None else version


def stored_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh number, never an old one whose pages might still sit in the cache.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def read_current(keys) -> tuple[int, dict]:
    """The content version, and of the values kept under `keys` (a kept page, a shared fragment)
    those still current, {key: value}."""
    version = watch.current()
    if version is not None:
        return version, read_kept(keys, version)
    # Redis, unwatched: the version comes in the same round trip as the values.
    fetched = cache.get_many([VERSION_KEY, *keys])
    version = fetched.pop(VERSION_KEY, None)
    if version is None:
        return content_version(), {}
    return version, {key: value[1] for key, value in fetched.items() if is_current(value, version)}


def read_kept(keys, version: int) -> dict:
    """Of the values kept under `keys`, those current under `version`, {key: value}: from this
    process's memory where it holds them, the rest read from Redis in one round trip."""
    found = watch.kept(keys, version)
    missing = [key for key in keys if key not in found]
    if missing and is_cache_shared():
        for key, stored in cache.get_many(missing).items():
            if is_current(stored, version):
                found[key] = stored[1]
                watch.keep(key, stored)
    return found


def keep_current(key: str, version: int, value, timeout: int):
    """Stores `value` as current under `version` for `timeout` seconds: in this process, and in
    Redis for the others."""
    stored = (version, value, time.time() + timeout)
    if is_cache_shared():
        cache.set(key, stored, timeout)
    watch.keep(key, stored)


def is_current(stored, version: int) -> bool:
    """Stored under this version, and not past its time (a scheduled post may be public now)."""
    # Anything but a (version, value, expiry) triple was stored by an older release: a miss.
    return (
        isinstance(stored, tuple)
        and len(stored) == 3
        and stored[0] == version
        and stored[2] > time.time()
    )


class Turns:
    """The values that a thread of this process is making after a miss.

    When a page many read expires, every thread that reads it misses at the same moment. Each
    rendering it at once makes all of them slow, and on a small machine queues every connection
    behind them; instead one thread makes it while the others wait for its value. A thread that
    is making a value never waits for another's, so that no two wait for each other.
    """

    WAIT_SECONDS = 3  # then a waiting thread makes the value itself (the maker may have failed)

    def __init__(self):
        self.lock = threading.Lock()
        self.making: dict[str, threading.Event] = {}
        self.busy: ContextVar[bool] = ContextVar("making", default=False)

    @contextmanager
    def turn(self, key: str) -> Iterator[bool]:
        """Yields True to the thread that is to make `key`, False to one that waited for it."""
        with self.lock:
            made = self.making.get(key)
            mine = made is None
            if mine:
                made = self.making[key] = threading.Event()
        if not mine:
            if not self.busy.get():
                made.wait(self.WAIT_SECONDS)
            yield False
            return
        busy = self.busy.set(True)
        try:
            yield True
        finally:
            self.busy.reset(busy)
            with self.lock:
                del self.making[key]
            made.set()


turns = Turns()


@contextmanager
def made_once(key: str | None, version: int, found: dict) -> Iterator[dict]:
    """`found`, the values read under their keys, for a block that makes and keeps (keep_current)
    the value under `key` when it is missing. When another thread of this process is making it
    already, this waits for that thread and yields what it kept as well."""
    if key is None or key in found:
        yield found
        return
    with turns.turn(key) as mine:
        yield found if mine else {**found, **read_kept([key], version)}


# The fragments a page read ahead with `shared_reads`, for the rest of its rendering.
read_ahead: ContextVar[tuple[int, dict] | None] = ContextVar("read_ahead", default=None)


@contextmanager
def shared_reads(*keys: str):
    """Reads the content version and these shared fragments in one round trip, for every
    `shared_until_changed` in the block: a page that shows several asks Redis once."""
    token = read_ahead.set(read_current(keys) if settings.FRAGMENT_CACHE_SECONDS else None)
    try:
        yield
    finally:
        read_ahead.reset(token)


def shared_until_changed(key: str, read: Callable[[], T], seconds: int | None = None) -> T:
    """What `read()` returns, kept in the shared cache under `key` with the content version.

    For fragments that every reader's page shows alike. Like a kept page, it is read afresh after
    the next write, when content changes by itself, or after FRAGMENT_CACHE_SECONDS (`seconds`
    when fewer); with FRAGMENT_CACHE_SECONDS at 0, on every call.
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return read()
    ahead = read_ahead.get()
    if ahead is None:
        version, found = read_current([key])
    else:
        version, found = ahead
        if key not in found:  # not read ahead, or stale: the version is known already
            found = read_kept([key], version)
    with made_once(key, version, found) as found:
        if key in found:
            return found[key]
        value = read()
        lifetime = min(settings.FRAGMENT_CACHE_SECONDS, seconds or settings.FRAGMENT_CACHE_SECONDS)
        keep_current(key, version, value, seconds_until_next_change(lifetime))
        return value


def page_key(request, kind: str = "page") -> str:
    """The key of the page at this URL; each `kind` (the audience it was drawn for) its own."""
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def content_changed():
    """Every cached page may show what just changed: drop them all once the write commits."""
    transaction.on_commit(bump_version)


def bump_version():
    known = request_version.get()
    if known is not None:
        known.value = None
    redis, channel = shared_redis()
    if redis is None:
        ContentVersion.bump()
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted or never set
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    try:
        redis.publish(channel, b"")
    except (RedisError, OSError) as error:
        # Processes find the new version on their next recheck, within seconds.
        logger.warning("Could not publish the content version bump: %s", error)


def is_anonymous(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def is_shareable(response) -> bool:
    """A page anyone may be given: no cookie set, no caching rule of its own (drafts, forms)."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cache-Control" not in response
    )


# The request headers that can make a page's answer a 304 or a 412.
PRECONDITIONS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def serve(request, get_response):
    """The anonymous reader's page: from the cache when kept, else rendered and, if shareable,
    made public and kept. A view may set `response.on_cache_hit` (a picklable callable taking
    the request) for work every read must do even from the cache, such as counting a view."""
    if request.method not in ("GET", "HEAD"):
        return get_response(request)
    key = page_key(request) if settings.PAGE_CACHE_SECONDS else None
    version, kept = read_current([key]) if key else (None, {})
    with made_once(key, version, kept) as kept:
        if key in kept:
            stored = kept[key]
            response = HttpResponse(stored["content"], headers=stored["headers"])
            if stored["on_hit"]:
                request.user = AnonymousUser()  # no session cookie; the auth middleware is skipped
                stored["on_hit"](request)
        else:
            response = get_response(request)
            if not is_shareable(response):
                return response
            lifetime = settings.PAGE_MAX_AGE + settings.PAGE_STALE_SECONDS
            if key:  # only the shared cache's pages may stay long enough to need the lookup
                lifetime = seconds_until_next_change(max(lifetime, settings.PAGE_CACHE_SECONDS))
            max_age = min(settings.PAGE_MAX_AGE, lifetime)
            patch_cache_control(
                response,
                public=True,
                max_age=max_age,
                stale_while_revalidate=min(settings.PAGE_STALE_SECONDS, lifetime - max_age),
            )
            patch_vary_headers(response, ["Cookie"])
            set_response_etag(response)
            if key:
                stored = {
                    "content": response.content,
                    "headers": dict(response.headers),
                    "on_hit": getattr(response, "on_cache_hit", None),
                }
                # The version read before rendering: a write meanwhile makes the page stale.
                keep_current(key, version, stored, min(settings.PAGE_CACHE_SECONDS, lifetime))
    if not any(header in request.META for header in PRECONDITIONS):
        return response  # nothing to compare the page with, as for most requests
    return get_conditional_response(request, etag=response["ETag"], response=response)
