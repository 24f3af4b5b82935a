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


# The collector stops scanning what a worker keeps for good, so that a full collection does not
# stall every thread of the worker for tens of milliseconds: once the app is loaded (its views
# imported and its templates compiled, cblog.wsgi), and again after its first requests, which fill
# its caches. Each time it collects first, so that no garbage is kept for good.
WARM_REQUESTS = 100


def freeze_warm_objects():
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    freeze_warm_objects()


def post_request(worker, req, environ, resp):
    if worker.nr >= WARM_REQUESTS and not getattr(worker, "gc_frozen", False):
        worker.gc_frozen = True
        freeze_warm_objects()
