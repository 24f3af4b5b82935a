"""Fault tests: each starts and leaves with the whole stack up; signed-in clients."""

import pytest
import requests

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _restored(stack):
    """Every test starts and leaves with the whole stack up."""
    stack.restore()
    yield
    stack.restore()


def register(base_url, username):
    """A requests session signed in as a newly registered user (registration signs in)."""
    session = requests.Session()
    session.get(f"{base_url}/users/register/", timeout=10).raise_for_status()
    response = session.post(
        f"{base_url}/users/register/",
        data={
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def create_post(session, base_url, title, image=None, timeout=10):
    """POSTs the new-post form; returns the response (302 to the post when it was saved)."""
    return session.post(
        f"{base_url}/post/new/",
        data={
            "title": title,
            "content": f"About {title}.",
            "status": "published",
            "image_alt": f"A photo for {title}",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        files={"image": ("photo.jpg", image, "image/jpeg")} if image else None,
        allow_redirects=False,
        timeout=timeout,
    )
