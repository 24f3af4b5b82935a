"""gunicorn's access log names the visitor as cblog.client does, not the load balancer."""

import os
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest

from conftest import free_port

from .conftest import DEPLOY, REPO

pytestmark = [pytest.mark.deploy, pytest.mark.slow]


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
            return connection.getresponse().status
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not answer")


def test_the_access_log_records_the_visitor_not_a_spoofed_entry(gunicorn_log):
    port, log = gunicorn_log
    assert get_healthz(port, "198.51.100.9, 203.0.113.7, 130.176.1.2") == 200
    for _ in range(50):
        lines = [line for line in log.read_text().splitlines() if "/healthz/" in line]
        if lines:
            break
        time.sleep(0.1)
    assert lines[0].startswith('203.0.113.7 "GET /healthz/')
