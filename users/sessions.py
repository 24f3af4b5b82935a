"""Sessions read through Redis, and kept in each process while nothing changes them."""

import copy
import time

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from redis.exceptions import RedisError

from cblog.page_cache import content_changed, is_cache_shared, shared_redis, watch


class SessionStore(CachedDBStore):
    """cached_db sessions that each process also keeps under the content version
    (cblog/page_cache.py), so that a signed-in request asks Redis nothing.

    Changing or ending a session that a process may keep bumps the version, so that every process
    reads it afresh on its next request: signing out, a password change, messages kept in the
    session. A session this request made is kept nowhere yet, so signing in bumps nothing. A kept
    session expires when its copy in Redis does. Without Redis, or with FRAGMENT_CACHE_SECONDS at
    0, it is cached_db as it stands.
    """

    made_here = False

    def load(self):
        shared = settings.FRAGMENT_CACHE_SECONDS and is_cache_shared()
        version = watch.current() if shared else None
        if version is None:
            return super().load()
        key = self.cache_key
        kept = watch.kept([key], version)
        if key in kept:
            return copy.deepcopy(kept[key])  # the request may change its copy, not the kept one
        data = super().load()
        if data:
            self.keep(key, version, data)
        return data

    def keep(self, key: str, version: int, data: dict):
        """Keeps the session in this process until its copy in Redis expires, as it does."""
        redis, _ = shared_redis()
        try:
            lifetime = redis.pttl(self._cache.make_and_validate_key(key)) / 1000
        except (RedisError, OSError):
            return
        if lifetime > 0:
            watch.keep(key, (version, copy.deepcopy(data), time.time() + lifetime))

    def create(self):
        super().create()
        self.made_here = True

    def save(self, must_create=False):
        super().save(must_create)
        if not (must_create or self.made_here):
            content_changed()

    def delete(self, session_key=None):
        super().delete(session_key)
        if session_key or self.session_key:
            content_changed()
