"""Two app instances sharing one Redis and one MariaDB: a write through one instance is seen on
the next anonymous read through the other, although that read came from the page cache before.
The same holds for instances that share only the database, each keeping pages in its own memory."""

import os
import re
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from blog.models import Post
from blog.tests.factories import CategoryFactory, CommentFactory, PostFactory
from conftest import free_port
from users.tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def instance_env(redis_url: str | None, prefix: str) -> dict:
    database = connection.settings_dict
    environ = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    return {
        **environ,
        "DJANGO_DEBUG": "1",  # static URLs without a collected manifest; caching is unchanged
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DB_HOST": database["HOST"],
        "DB_PORT": str(database["PORT"]),
        "DB_USER": database["USER"],
        "DB_PASSWORD": database["PASSWORD"],
        "DB_NAME": database["NAME"],
        **({"REDIS_URL": redis_url} if redis_url else {}),
        "CACHE_KEY_PREFIX": prefix,
        "PAGE_CACHE_SECONDS": "300",
        "FRAGMENT_CACHE_SECONDS": "300",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "LOG_LEVEL": "WARNING",
    }


@contextmanager
def running_instances(redis_url: str | None):
    if connection.vendor != "mysql":
        pytest.skip("instances in other processes need a database server (make test-mariadb)")
    env = instance_env(redis_url, f"test-{uuid.uuid4().hex[:12]}")
    processes, urls = [], []
    for _ in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    str(GUNICORN),
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "--log-level",
                    "warning",
                    "cblog.wsgi",
                ],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_until_up(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def instances(transactional_db, redis_url):
    with running_instances(redis_url) as urls:
        yield urls


@pytest.fixture
def instances_without_redis(transactional_db):
    with running_instances(None) as urls:
        yield urls


def wait_until_up(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/healthz/", timeout=5)
            return
        except requests.RequestException:  # not listening yet, or still booting
            time.sleep(0.3)
    raise TimeoutError(url)


def submit(session, page, data=None, action=""):
    """Posts a form of `page` as a browser does: with the page's CSRF token, to `page` + `action`."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(page).text)[1]
    return session.post(
        page + action, {"csrfmiddlewaretoken": token, **(data or {})}, headers={"Referer": page}
    )


def signed_in(base, user):
    # The tests hash with MD5 for speed; the instances know only the production hashers. Hashed
    # once: a change made here is not told to the instances, which keep the user they read.
    if not user.password.startswith(PBKDF2PasswordHasher.algorithm):
        user.password = PBKDF2PasswordHasher().encode(TEST_PASSWORD, PBKDF2PasswordHasher().salt())
        user.save(update_fields=["password"])
    session = requests.Session()
    submit(session, base + "/users/login/", {"username": user.username, "password": TEST_PASSWORD})
    return session


def test_a_like_through_one_instance_is_seen_through_the_other(instances, user, other_user):
    first, second = instances
    post = PostFactory(author=user, title="A walk by the river")
    anonymous = requests.Session()
    assert "0 likes" in anonymous.get(first + "/").text
    assert anonymous.get(first + "/").headers["Cache-Control"].startswith("public")

    reader = signed_in(second, other_user)
    liked = submit(reader, second + post.get_absolute_url(), action="like/")

    assert liked.status_code == 200
    assert "1 like" in anonymous.get(first + "/").text


def test_a_like_through_one_instance_is_seen_on_the_page_kept_for_signed_in_readers_of_the_other(
    instances, user, other_user
):
    first, second = instances
    post = PostFactory(author=user, title="A walk by the river")
    reader = signed_in(first, user)
    assert "0 likes" in reader.get(first + "/").text
    assert "0 likes" in reader.get(first + "/").text  # now kept

    liker = signed_in(second, other_user)
    submit(liker, second + post.get_absolute_url(), action="like/")

    page = reader.get(first + "/").text
    assert "1 like" in page
    assert f'href="/users/profile/">{user.display_name}</a>' in page


def test_a_comment_through_one_instance_is_seen_through_the_other(instances, user, other_user):
    first, second = instances
    post = PostFactory(author=user, title="A walk by the river")
    CommentFactory(post=post, author=other_user, is_approved=True)  # known: skips the queue
    anonymous = requests.Session()
    assert "Lovely river." not in anonymous.get(first + post.get_absolute_url()).text

    reader = signed_in(second, other_user)
    submit(reader, second + post.get_absolute_url(), {"content": "Lovely river."}, "comment/")

    assert "Lovely river." in anonymous.get(first + post.get_absolute_url()).text
    assert "2 comments" in anonymous.get(first + "/").text


def test_signing_out_through_one_instance_signs_out_of_every_other(instances, user):
    first, second = instances
    reader = signed_in(first, user)
    assert "Sign out" in reader.get(second + "/").text  # the session is now read through Redis
    session_id = reader.cookies["sessionid"]

    submit(reader, second + "/", action="users/logout/")

    stale = requests.Session()
    stale.cookies.set("sessionid", session_id)
    assert "Sign in" in stale.get(first + "/").text


def test_a_new_category_through_one_instance_is_in_the_other_ones_menu(instances, user):
    """Signed-in pages are rendered each time, but share the menu kept in Redis."""
    first, second = instances
    PostFactory(author=user, category=CategoryFactory(name="Travel", slug="travel"))
    birds = CategoryFactory(name="Birds", slug="birds")
    reader = signed_in(first, user)
    assert "/category/birds/" not in reader.get(first + "/archive/").text  # links no post

    writer = signed_in(second, user)
    submit(
        writer,
        second + "/post/new/",
        {
            "title": "Herons at dawn",
            "content": "Grey and patient.",
            "category": birds.pk,
            "status": "published",
        },
    )

    assert "/category/birds/" in reader.get(first + "/archive/").text


def test_a_password_change_through_one_instance_signs_out_the_other_sessions(instances, user):
    """Each instance keeps the signed-in user (users/backends.py) until a user changes."""
    first, second = instances
    reader = signed_in(first, user)
    assert "Sign out" in reader.get(first + "/").text
    assert "Sign out" in reader.get(first + "/").text  # the user is now kept

    writer = signed_in(second, user)
    changed = submit(
        writer,
        second + "/users/password-change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "another-long-unusual-passphrase-42",
            "new_password2": "another-long-unusual-passphrase-42",
        },
    )

    assert changed.status_code == 200 and "Sign out" in changed.text  # the writer stays in
    assert "Sign in" in reader.get(first + "/").text


def test_a_name_change_through_one_instance_shows_in_the_others_header(instances, user):
    first, second = instances
    reader = signed_in(first, user)
    reader.get(first + "/")
    assert "Alicia Lee" not in reader.get(first + "/").text

    writer = signed_in(second, user)
    submit(
        writer,
        second + "/users/profile/",
        {"first_name": "Alicia", "last_name": "Lee", "email": user.email, "bio": ""},
    )

    assert "Alicia Lee" in reader.get(first + "/").text


def test_without_redis_a_like_through_one_instance_is_seen_through_the_other(
    instances_without_redis, user, other_user
):
    first, second = instances_without_redis
    post = PostFactory(author=user, title="A walk by the river")
    anonymous = requests.Session()
    assert "0 likes" in anonymous.get(first + "/").text
    Post.objects.filter(pk=post.pk).update(title="Renamed quietly")
    assert "A walk by the river" in anonymous.get(first + "/").text  # kept in its memory

    reader = signed_in(second, other_user)
    liked = submit(reader, second + post.get_absolute_url(), action="like/")

    assert liked.status_code == 200
    assert "1 like" in anonymous.get(first + "/").text
    assert "Renamed quietly" in anonymous.get(first + "/").text
