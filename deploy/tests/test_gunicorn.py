"""gunicorn as deploy/gunicorn.conf.py runs it: its access log and its workers' garbage collection."""

import gc
import os
import runpy
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import free_port

from .conftest import DEPLOY, REPO

pytestmark = [pytest.mark.deploy]
CONFIG = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


@pytest.fixture
def gunicorn_log(tmp_path):
    """gunicorn with deploy/gunicorn.conf.py behind two trusted proxies; yields (port, log file)."""
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "TRUSTED_PROXY_HOPS": "2",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    command = [Path(sys.executable).parent / "gunicorn", "--config", DEPLOY / "gunicorn.conf.py"]
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "cblog.wsgi:application"], cwd=REPO, env=env, stdout=output, stderr=output
        )
    try:
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def get_healthz(port, forwarded_for):
    for _ in range(100):
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz/", headers={"X-Forwarded-For": forwarded_for})
            return connection.getresponse()
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not answer")


@pytest.mark.slow
def test_the_access_log_records_the_visitor_not_a_spoofed_entry(gunicorn_log):
    port, log = gunicorn_log
    assert get_healthz(port, "198.51.100.9, 203.0.113.7, 130.176.1.2").status == 200
    for _ in range(50):
        lines = [line for line in log.read_text().splitlines() if "/healthz/" in line]
        if lines:
            break
        time.sleep(0.1)
    assert lines[0].startswith('203.0.113.7 "GET /healthz/')


def request_number(number: int) -> SimpleNamespace:
    """A worker that has just served its `number`th request, for the post_request hook."""
    worker = SimpleNamespace(nr=number)
    CONFIG["post_request"](worker, None, {}, None)
    return worker


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_warm_worker_keeps_what_it_holds_out_of_the_garbage_collector(unfrozen):
    request_number(CONFIG["WARM_REQUESTS"])
    assert gc.get_freeze_count() > 0


def test_a_worker_keeps_the_app_it_loaded_out_of_the_garbage_collector(unfrozen):
    CONFIG["post_worker_init"](SimpleNamespace(nr=0))
    assert gc.get_freeze_count() > 0


def test_a_worker_warming_up_still_collects_everything(unfrozen):
    request_number(CONFIG["WARM_REQUESTS"] - 1)
    assert gc.get_freeze_count() == 0
