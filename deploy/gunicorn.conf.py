"""gunicorn settings for cblog behind CloudFront and the Application Load Balancer."""

import gc
import multiprocessing
import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Threads overlap the waits on MySQL and S3; processes use the cores.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Worker heartbeats in memory: a slow or busy disk never makes the arbiter kill a live worker.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn makes each file with mkstemp and unlinks it)
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None

# Longer than the load balancer's idle timeout (60 s), so the balancer never reuses a closed socket.
keepalive = 75
# Shorter than CloudFront's origin response timeout (30 s), so a slow request fails here, logged.
timeout = 25
graceful_timeout = 25

# Only the load balancer, inside the VPC, may set X-Forwarded-For and X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class ClientAddressLogger(Logger):
    """Logs as %(h)s the visitor's address exactly as throttles see it, not the balancer's."""

    def atoms(self, resp, req, environ, request_time):
        from cblog.client import client_address  # imported in the worker, once Django is set up

        return {**super().atoms(resp, req, environ, request_time), "h": client_address(environ)}


# stdout and stderr go to the journal under systemd.
logger_class = ClientAddressLogger
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


# After its first requests a worker has compiled its templates and filled its caches: the
# collector stops scanning all that, so that a full collection no longer stalls every thread of
# the worker for tens of milliseconds (collected once first, so that no garbage is kept for good).
WARM_REQUESTS = 100


def post_request(worker, req, environ, resp):
    if worker.nr >= WARM_REQUESTS and not getattr(worker, "gc_frozen", False):
        worker.gc_frozen = True
        gc.collect()
        gc.freeze()
