"""An instance dies under load, or stalls: the balancer takes out only the dead one, and no
acknowledged post is lost."""

import itertools
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from scripts.stack import ROOT
from tests.helpers import eventually
from tests.stack.conftest import create_post, register

pytestmark = pytest.mark.stack

FROZEN_FOR = 3.0  # several health-check intervals
CLIENTS = 20
DURATION = 30.0
KILL_AT = 10.0
WRITE_EVERY = 4  # one request in four creates a post
REPORT = ROOT / "test-artifacts" / "stack-instance-loss.txt"


def client(stack, cookies, number, deadline, results):
    """Reads pages and creates posts until the deadline; records (kind, ok, title)."""
    session = requests.Session()
    session.cookies = cookies.copy()
    last_post = "/"
    for count in itertools.count(1):
        if time.monotonic() > deadline:
            return
        title = f"load {number}-{count}"
        try:
            if count % WRITE_EVERY == 0:
                response = create_post(session, stack.url, title)
                ok = response.status_code == 302
                if ok:
                    last_post = response.headers["Location"]
                results.append(("write", ok, title, response.status_code))
            else:
                response = session.get(stack.url + (last_post if count % 2 else "/"), timeout=10)
                results.append(("read", response.status_code == 200, None, response.status_code))
        except requests.RequestException as error:
            results.append(("write" if count % WRITE_EVERY == 0 else "read", False, None, error))


def test_killing_an_instance_under_load_loses_no_acknowledged_post_and_fails_under_1_percent(
    stack,
):
    cookies = register(stack.url, "loader").cookies
    results = []
    started = time.monotonic()
    deadline = started + DURATION
    with ThreadPoolExecutor(CLIENTS) as pool:
        clients = [
            pool.submit(client, stack, cookies, number, deadline, results)
            for number in range(CLIENTS)
        ]
        time.sleep(KILL_AT)
        killed = time.monotonic()
        stack.kill_app("app1")
        eventually(lambda: stack.server_states()["app1"].startswith("DOWN"), "app1 out", 10)
        taken_out = time.monotonic() - killed
    for finished in clients:
        finished.result()  # a client that crashed is a test bug, not a failed request
    stack.start_app("app1")
    restarted = time.monotonic()
    stack.wait_until_balanced()
    rejoined = time.monotonic() - restarted

    failures = [result for result in results if not result[1]]
    rate = len(failures) / len(results)
    acknowledged = {title for kind, ok, title, _ in results if kind == "write" and ok}
    stored = Counter(
        title for (title,) in stack.sql("SELECT title FROM blog_post WHERE title LIKE 'load %'")
    )
    figures = (
        f"{len(results)} requests in {DURATION:.0f} s from {CLIENTS} clients "
        f"({len(results) / DURATION:.0f}/s), {len(acknowledged)} posts acknowledged, "
        f"{sum(stored.values())} stored; {len(failures)} failed ({rate:.2%}): "
        f"{Counter((kind, str(status)) for kind, _, _, status in failures)}; app1 out of the balancer "
        f"{taken_out:.2f} s after SIGKILL, back in {rejoined:.2f} s after its restart"
    )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(figures + "\n")
    print("\n" + figures)

    assert acknowledged - set(stored) == set(), "acknowledged posts missing"
    assert [title for title, count in stored.items() if count > 1] == [], "duplicate posts"
    assert rate < 0.01


def test_an_instance_that_answers_its_health_check_slowly_stays_in_the_balancer(stack):
    seen = set()
    stack.signal_group("app1", signal.SIGSTOP)  # a machine too busy to answer for a while
    try:
        frozen_until = time.monotonic() + FROZEN_FOR
        while time.monotonic() < frozen_until:
            seen.add(stack.server_states()["app1"])
            time.sleep(0.1)
    finally:
        stack.signal_group("app1", signal.SIGCONT)

    assert seen == {"UP"}
