"""Whole-page caching for anonymous readers, and the HTTP caching headers of every page.

A request without a session or messages cookie is anonymous: its page is the same for everyone.
It is sent `public` with a short max-age, stale-while-revalidate and an ETag (a conditional GET
gets a 304) and, where the cache is shared by every instance (REDIS_URL), kept whole under its URL
with the content version it was rendered under. Every write bumps the version after its commit
(`content_changed`), so the next request on any instance renders afresh. Every other request's page is `private`.

Content can also change without a write: a scheduled post turns public when its time comes. Apps
name such moments with `changes_at(source)`; a kept page, and its max-age, never outlive the next.

Per-process local memory never holds pages: one worker's bump would leave the others' pages stale.
The middleware is cblog.middleware.CacheControlMiddleware.
"""

import hashlib
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

VERSION_KEY = "page-version"
T = TypeVar("T")

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


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh number, never an old one whose pages might still sit in the cache.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def read_current(keys) -> tuple[int, dict]:
    """The content version, and of the values stored under `keys` with their version (a kept
    page, a shared fragment) those stored under it: all read in one round trip."""
    found = cache.get_many([VERSION_KEY, *keys])
    version = found.pop(VERSION_KEY, None)
    if version is None:
        return content_version(), {}
    return version, {key: stored for key, stored in found.items() if is_current(stored, version)}


def is_current(stored, version: int) -> bool:
    # Anything but a (version, value) pair was stored by an older release: a miss.
    return isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version


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


def shared_until_changed(key: str, read: Callable[[], T]) -> T:
    """What `read()` returns, kept in the shared cache under `key` with the content version.

    For fragments that every reader's page shows alike. Like a kept page, it is read afresh after
    the next write, or when content changes by itself; without a shared cache, on every call.
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return read()
    ahead = read_ahead.get()
    if ahead is None:
        version, found = read_current([key])
    else:
        version, found = ahead
        if key not in found:  # not read ahead, or stale: the version is known already
            stored = cache.get(key)
            found = {key: stored} if is_current(stored, version) else {}
    if key in found:
        return found[key][1]
    value = read()
    cache.set(key, (version, value), seconds_until_next_change(settings.FRAGMENT_CACHE_SECONDS))
    return value


def page_key(request) -> str:
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{hashlib.sha256(url.encode()).hexdigest()}"


def content_changed():
    """Every cached page may show what just changed: drop them all once the write commits."""
    transaction.on_commit(bump_version)


def bump_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted or never set
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


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


def serve(request, get_response):
    """The anonymous reader's page: from the cache when kept, else rendered and, if shareable,
    made public and kept. A view may set `response.on_cache_hit` (a picklable callable taking
    the request) for work every read must do even from the cache, such as counting a view."""
    if request.method not in ("GET", "HEAD"):
        return get_response(request)
    key = page_key(request) if settings.PAGE_CACHE_SECONDS else None
    version, kept = read_current([key]) if key else (None, {})
    if key in kept:
        stored = kept[key][1]
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
            cache.set(key, (version, stored), min(settings.PAGE_CACHE_SECONDS, lifetime))
    return get_conditional_response(request, etag=response["ETag"], response=response)
