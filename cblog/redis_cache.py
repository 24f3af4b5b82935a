"""Django's Redis cache, except that an unreachable Redis is a cache miss rather than a 500.

The cache and every throttle counter live in Redis. When it is down the site keeps serving:
reads miss, writes are dropped, counters read as zero so that throttles and sign-in lockout let
requests through, and each failure is logged.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)


def _unreachable_answers(miss):
    """Wraps a client method so that an unreachable Redis returns miss(*args) instead of raising."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args):
            try:
                return method(self, *args)
            except (ConnectionError, TimeoutError) as error:
                logger.warning("Redis unavailable for cache %s: %s", method.__name__, error)
                return miss(*args)

        return wrapper

    return decorate


class FailSoftRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """One client per connection pool, reused: Django makes one per command, and each new
        redis-py client rebuilds its table of reply callbacks (a third of a cache read's time)."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    get = _unreachable_answers(lambda key, default: default)(RedisCacheClient.get)
    add = _unreachable_answers(lambda *args: False)(RedisCacheClient.add)
    set = _unreachable_answers(lambda *args: None)(RedisCacheClient.set)
    touch = _unreachable_answers(lambda *args: False)(RedisCacheClient.touch)
    delete = _unreachable_answers(lambda *args: False)(RedisCacheClient.delete)
    get_many = _unreachable_answers(lambda *args: {})(RedisCacheClient.get_many)
    has_key = _unreachable_answers(lambda *args: False)(RedisCacheClient.has_key)
    # A counter reads as zero, so that throttles and sign-in lockout let requests through.
    incr = _unreachable_answers(lambda *args: 0)(RedisCacheClient.incr)
    set_many = _unreachable_answers(lambda *args: None)(RedisCacheClient.set_many)
    delete_many = _unreachable_answers(lambda *args: None)(RedisCacheClient.delete_many)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
