"""Two instances behind the balancer behave as one site."""

import re

import pytest
import requests

from cblog.images.tests.files import make_jpeg
from tests.stack.conftest import create_post, register

pytestmark = pytest.mark.stack


def test_of_two_instances_booting_together_on_an_empty_database_exactly_one_migrates(stack):
    applied = [output for output in stack.migrate_outputs if "Applying " in output]
    idle = [output for output in stack.migrate_outputs if "No migrations to apply." in output]
    assert (len(applied), len(idle)) == (1, 1), stack.migrate_outputs
    assert stack.sql("SELECT COUNT(*) FROM django_migrations")[0][0] > 10
    for port in stack.app_ports.values():
        assert requests.get(f"http://127.0.0.1:{port}/readyz/", timeout=5).status_code == 200


def test_a_session_made_on_one_instance_works_on_the_other(stack):
    session = register(stack.url, "roamer")
    served_by = set()
    for _ in range(6):
        response = session.get(f"{stack.url}/users/profile/", allow_redirects=False, timeout=10)
        assert response.status_code == 200
        served_by.add(response.headers["X-Served-By"])
    assert served_by == set(stack.instances)
    for port in stack.app_ports.values():
        response = session.get(
            f"http://127.0.0.1:{port}/drafts/", allow_redirects=False, timeout=10
        )
        assert response.status_code == 200
        assert "roamer" in response.text


def test_a_picture_uploaded_through_one_instance_shows_through_the_other(stack):
    session = register(stack.url, "uploader")
    first, second = (f"http://127.0.0.1:{port}" for port in stack.app_ports.values())
    response = create_post(session, first, "Posted on one", image=make_jpeg(800, 600))
    assert response.status_code == 302
    page = session.get(f"{second}{response.headers['Location']}", timeout=10)
    assert page.status_code == 200
    src = re.search(r'<img class="post-hero[^"]*" src="([^"]+)"', page.text)[1]
    picture = requests.get(src.replace("&amp;", "&"), timeout=10)
    assert picture.status_code == 200
    assert picture.headers["Content-Type"] == "image/jpeg"


def test_a_post_written_through_one_instance_is_on_the_others_cached_home_page_next(stack):
    first, second = (f"http://127.0.0.1:{port}" for port in stack.app_ports.values())
    assert "Fresh from one" not in requests.get(f"{second}/", timeout=10).text
    assert any(stack.redis().scan_iter(match="*page:*")), "the home page was not cached in Redis"
    session = register(stack.url, "writer")
    assert create_post(session, first, "Fresh from one").status_code == 302
    assert "Fresh from one" in requests.get(f"{second}/", timeout=10).text


@pytest.fixture
def throttles_on(stack):
    stack.reconfigure(THROTTLES_ENABLED="true")
    yield stack
    stack.reconfigure(THROTTLES_ENABLED="false")


def test_a_throttle_counts_requests_to_both_instances_together(throttles_on):
    first, second = (f"http://127.0.0.1:{port}" for port in throttles_on.app_ports.values())
    session = requests.Session()
    session.get(f"{first}/users/password-reset/", timeout=10).raise_for_status()

    def reset(base):
        data = {"email": "walker@example.com", "csrfmiddlewaretoken": session.cookies["csrftoken"]}
        response = session.post(
            f"{base}/users/password-reset/", data=data, allow_redirects=False, timeout=10
        )
        return response.status_code

    # Three requests an hour for one address (THROTTLE_RATES), two through each instance.
    assert [reset(base) for base in (first, second, first, second)] == [302, 302, 302, 429]
