"""Fixtures shared by every suite: real servers on loopback, started here and stopped after."""

import http.client
import os
import runpy
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from moto.server import ThreadedMotoServer

from scripts.ports import free_port

AWS_REGION = "us-east-1"
TEST_BUCKET = "cblog-test-media"


@pytest.fixture(scope="session")
def aws_credentials():
    """Fake credentials so that boto3 never looks for real ones."""
    fake = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": AWS_REGION,
    }
    saved = {name: os.environ.get(name) for name in fake}
    os.environ.update(fake)
    yield fake
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def moto_server(aws_credentials):
    """moto in server mode: the real S3/SQS/DynamoDB HTTP APIs on a loopback port."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def aws_client(moto_server):
    """Makes boto3 clients that talk to the moto server."""

    def make(service):
        return boto3.client(service, region_name=AWS_REGION, endpoint_url=moto_server)

    return make


@pytest.fixture(scope="session")
def s3_bucket(aws_client):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=TEST_BUCKET)
    return TEST_BUCKET


def s3_settings(bucket, endpoint_url):
    """The settings cblog/settings.py derives for an S3 bucket, evaluated from the environment."""
    saved = dict(os.environ)
    os.environ.update(
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=endpoint_url,
        AWS_S3_REGION_NAME=AWS_REGION,
    )
    try:
        fresh = runpy.run_path(str(Path(__file__).parent / "cblog" / "settings.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"STORAGES": fresh["STORAGES"], "AWS_STORAGE_BUCKET_NAME": bucket}


@pytest.fixture(scope="session")
def s3_storage(moto_server, s3_bucket):
    """Switches the default storage to django-storages' S3 backend on the moto bucket."""
    with override_settings(**s3_settings(s3_bucket, moto_server)):
        yield s3_bucket


@pytest.fixture(scope="session", autouse=True)
def _storages(request, tmp_path_factory):
    """Media on S3 when CBLOG_TEST_STORAGE=s3, else in a temp folder; static files collected."""
    static_root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        if os.environ.get("CBLOG_TEST_STORAGE") == "s3":
            yield request.getfixturevalue("s3_storage")
        else:
            with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
                yield None


@pytest.fixture
def user(db):
    from users.tests.factories import UserFactory

    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    from users.tests.factories import UserFactory

    return UserFactory(username="bob")


@pytest.fixture
def staff_user(db):
    from users.tests.factories import StaffFactory

    return StaffFactory(username="admin")


@contextmanager
def own_cache_keys():
    """A fresh cache key prefix, so that no throttle count or view key leaks in or out.

    A fresh prefix rather than a flush: the Redis database may be shared.
    """
    from axes.handlers.proxy import AxesProxyHandler
    from django.conf import settings

    from cblog.page_cache import watch

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    caches = {name: {**config, "KEY_PREFIX": prefix} for name, config in settings.CACHES.items()}
    with override_settings(CACHES=caches):
        AxesProxyHandler.get_implementation(force=True)  # it keeps the cache it was made with
        watch.reset()  # and the pages each process keeps
        yield
    AxesProxyHandler.get_implementation(force=True)


@pytest.fixture(autouse=True)
def _own_cache_keys():
    """Each test starts with an empty cache."""
    with own_cache_keys():
        yield


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages and their shared fragments render on every request, even with REDIS_URL set,
    unless a test turns their cache on (cblog/tests/test_page_cache.py)."""
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0


@pytest.fixture(scope="session")
def redis_url():
    """The tests' own Redis database: REDIS_URL when set, else database 4 on 127.0.0.1:6379
    (the MariaDB pass, which runs beside this one, uses database 5)."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/4"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        message = f"Redis does not answer at {url} (scripts/start-redis)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def s3_media(moto_server, aws_client):
    """Media on a fresh moto bucket for one test, in either storage mode; yields the bucket name.

    Function-scoped so that it never leaks into later tests: leaving override_settings sends
    setting_changed for STORAGES, which resets django.core.files.storage.default_storage.
    """
    s3 = aws_client("s3")
    bucket = f"cblog-test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    with override_settings(**s3_settings(bucket, moto_server)):
        yield bucket
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


@dataclass
class ProxiedRequest:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class ProxyAnswer:
    status: int
    body: bytes
    content_type: str = "text/xml"


class FaultProxy(ThreadingHTTPServer):
    """An HTTP proxy to one upstream that records requests and drops those `drop` matches.

    `rewrite(request)` may edit a ProxiedRequest before it is sent, or return a ProxyAnswer to
    send back instead.
    """

    daemon_threads = True

    def __init__(self, upstream):
        super().__init__(("127.0.0.1", 0), _ForwardingHandler)
        self.upstream = urlsplit(upstream).netloc
        self.drop = lambda method, path: False
        self.rewrite = lambda request: None
        self.requests = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ForwardingHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 so that botocore's "Expect: 100-continue" is answered and connections are reused.
    protocol_version = "HTTP/1.1"
    HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "content-length"}

    def forward(self):
        body = self.read_body()
        self.server.requests.append((self.command, self.path, dict(self.headers)))
        if self.server.drop(self.command, self.path):
            self.close_connection = True  # closes the socket without a status line
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in self.HOP_BY_HOP}
        request = ProxiedRequest(self.command, self.path, headers, body)
        answer = self.server.rewrite(request)
        if answer is not None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
            return
        upstream = http.client.HTTPConnection(self.server.upstream, timeout=30)
        try:
            upstream.request(request.method, request.path, body=request.body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        finally:
            upstream.close()
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in self.HOP_BY_HOP:
                self.send_header(name, value)
        if self.command == "HEAD":
            self.send_header("Content-Length", response.getheader("Content-Length", "0"))
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = forward

    def log_message(self, format, *args):
        pass


@contextmanager
def running_proxy(upstream):
    proxy = FaultProxy(upstream)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join()


@pytest.fixture
def fault_proxy(moto_server):
    """A FaultProxy in front of moto; set `.drop = lambda method, path: ...` to inject faults."""
    with running_proxy(moto_server) as proxy:
        yield proxy


@pytest.fixture(autouse=True)
def _jobs_run_inline():
    """Jobs run in the test's process when their write commits, whatever REDIS_URL says, unless
    a test starts a worker (`job_worker`)."""
    from cblog.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield


@pytest.fixture
def after_commit(db, django_capture_on_commit_callbacks):
    """Runs a write (or a request), then the jobs it queued for after its commit."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on loopback that keeps what it is sent; Django mails to it."""
    from aiosmtpd.controller import Controller

    from scripts.stack.mail import Mailbox

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    yield mailbox
    controller.stop()


def reset_connections(app):
    """Forgets the app's broker connections, so that the next job uses the current broker_url."""
    import kombu.pools

    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def running_worker(broker_url, queue, **conf):
    """A Celery worker on `broker_url`, in a thread of this process, taking jobs off `queue`."""
    from celery.contrib.testing.worker import start_worker

    from cblog.celery import app

    previous = {key: app.conf.get(key) for key in conf}
    app.conf.update(
        task_always_eager=False,
        broker_url=broker_url,
        task_default_queue=queue,
        broker_connection_retry_on_startup=True,
        **conf,
    )
    reset_connections(app)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30
        ):
            yield app
    finally:
        app.conf.update(broker_url="memory://", task_always_eager=True, **previous)
        reset_connections(app)


@pytest.fixture
def job_worker(redis_url, transactional_db):
    """A worker on the tests' Redis database: jobs are sent to the real queue and taken off it."""
    with running_worker(redis_url, f"test-jobs-{uuid.uuid4().hex[:8]}") as app:
        yield app


@pytest.fixture
def sqs_job_worker(moto_server, aws_client, transactional_db):
    """A worker on an SQS queue of moto's server, configured as settings.py does for sqs://
    (a predefined queue, never listed or created by Celery; no remote control)."""
    queue = f"test-jobs-{uuid.uuid4().hex[:8]}"
    queue_url = aws_client("sqs").create_queue(QueueName=queue)["QueueUrl"]
    endpoint = urlsplit(moto_server)
    options = {
        "region": AWS_REGION,
        "predefined_queues": {queue: {"url": queue_url}},
        "visibility_timeout": 60,
        "wait_time_seconds": 1,
        "is_secure": False,
    }
    with running_worker(
        f"sqs://{endpoint.netloc}",
        queue,
        broker_transport_options=options,
        worker_enable_remote_control=False,
    ) as app:
        yield app
    aws_client("sqs").delete_queue(QueueUrl=queue_url)
