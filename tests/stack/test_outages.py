"""The database and the object store go away and come back; the site says so, then recovers."""

import time

import pytest
import requests

from cblog.images.tests.files import make_jpeg
from tests.helpers import bucket_keys, eventually
from tests.stack.conftest import create_post, register

pytestmark = pytest.mark.stack


def status(url):
    try:
        return requests.get(url, timeout=5, allow_redirects=False).status_code
    except requests.RequestException:
        return None


def test_while_the_database_restarts_pages_answer_a_friendly_503_then_recover_by_themselves(
    stack,
):
    session = register(stack.url, "reader")
    post = create_post(session, stack.url, "Still here after the restart").headers["Location"]
    instances = [f"http://127.0.0.1:{port}" for port in stack.app_ports.values()]

    stack.stop_db()
    for base in instances:
        assert status(f"{base}/readyz/") == 503
        page = requests.get(f"{base}{post}", timeout=10)
        assert page.status_code == 503
        assert "Back in a moment" in page.text
        assert page.headers["Retry-After"] == "5"
    assert status(f"{stack.url}/healthz/") == 200  # the balancer keeps both instances in

    restarting = time.monotonic()
    stack.start_db()
    back = time.monotonic()
    for base in instances:
        eventually(lambda base=base: status(f"{base}/readyz/") == 200, "readiness", timeout=15)
        eventually(lambda base=base: status(f"{base}{post}") == 200, "the post page", timeout=15)
    recovery = time.monotonic() - back
    print(
        f"\ndatabase answered {back - restarting:.1f} s after its start; every instance "
        f"answered 200 {recovery:.2f} s later"
    )
    assert recovery < 10


def test_with_the_s3_endpoint_down_a_post_with_a_picture_fails_clearly_and_stores_nothing(stack):
    session = register(stack.url, "photographer")
    # A picture through each instance, so both hold kept-alive connections to the endpoint.
    keys_at_start = bucket_keys(stack)
    for number, port in enumerate(stack.app_ports.values()):
        posted = create_post(session, f"http://127.0.0.1:{port}", f"Warm {number}", make_jpeg())
    existing = posted.headers["Location"]
    keys_before = bucket_keys(stack)
    # Each picture is stored with its renditions, written before the post is saved.
    keys_per_picture = (len(keys_before) - len(keys_at_start)) // len(stack.app_ports)
    assert keys_per_picture >= 3

    stack.s3_down()
    started = time.monotonic()
    response = create_post(session, stack.url, "Lost picture", image=make_jpeg(), timeout=30)
    took = time.monotonic() - started
    assert response.status_code == 503
    assert "The image could not be stored right now" in response.text
    assert stack.sql("SELECT COUNT(*) FROM blog_post WHERE title = 'Lost picture'") == ((0,),)
    assert status(f"{stack.url}/") == 200
    assert status(f"{stack.url}{existing}") == 200
    print(f"\nthe failed upload answered in {took:.1f} s")

    stack.s3_up()
    assert bucket_keys(stack) == keys_before
    retry = create_post(session, stack.url, "Lost picture", image=make_jpeg())
    assert retry.status_code == 302
    eventually(
        lambda: len(bucket_keys(stack)) == len(keys_before) + keys_per_picture,
        "the retried upload",
    )
