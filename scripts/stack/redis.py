"""A Redis server of the stack's own: the cache, page cache and throttle store both instances share."""

import shutil

import redis

from scripts.stack.processes import wait_for


class Redis:
    def start_redis(self):
        # Nothing is persisted: a restarted stack starts with an empty cache, as ElastiCache may.
        command = [shutil.which("redis-server") or "/usr/bin/redis-server", "--bind", "127.0.0.1",
                   "--port", str(self.redis_port), "--save", "", "--appendonly", "no",
                   "--dir", str(self.dir)]  # fmt: skip
        self.spawn("redis", command)
        wait_for(self.redis().ping, "Redis", errors=(redis.ConnectionError,))

    def redis(self):
        """A client on the stack's Redis (tests read the counters the instances share)."""
        return redis.Redis.from_url(self.redis_url, socket_connect_timeout=2)
