"""Every form, fed arbitrary fields and values, answers with anything but a 5xx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import own_cache_keys

# Values a form should turn away calmly, beside arbitrary text.
ODD_VALUES = [
    "", " ", "0", "-1", "1e309", "99999999999999999999", "2026-02-30T25:61", "published", "draft",
    "\x00", "a" * 60_000, "\u202e", "../../etc/passwd", "%s%n", "' OR 1=1 --", "<script>",
]  # fmt: skip
values = st.one_of(st.text(max_size=300), st.sampled_from(ODD_VALUES))

# (who, path, the form's field names); {post} is the author's published post.
FORMS = [
    ("anonymous", "/users/register/", ["username", "email", "password1", "password2"]),
    ("anonymous", "/users/login/", ["username", "password", "next"]),
    ("anonymous", "/users/password-reset/", ["email"]),
    ("anonymous", "/users/password-reset/MQ/set-password/", ["new_password1", "new_password2"]),
    ("anonymous", "/admin/login/", ["username", "password", "next"]),
    ("anonymous", "/subscribe/", ["email"]),
    ("anonymous", "/subscribe/?author={author}", ["email"]),
    ("anonymous", "/contact/", ["name", "email", "message", "website"]),
    ("author", "/post/new/", ["title", "content", "category", "status", "image"]),
    ("author", "/post/{post}/edit/", ["title", "content", "category", "status", "image"]),
    ("author", "/post/{post}/delete/", ["confirm"]),
    ("author", "/post/{post}/comment/", ["content", "parent"]),
    ("author", "/post/{post}/like/", ["action"]),
    ("author", "/users/profile/", ["first_name", "last_name", "email", "current_password", "bio", "avatar"]),
    ("author", "/users/password-change/", ["old_password", "new_password1", "new_password2"]),
    ("author", "/users/logout/", ["next"]),
    ("superuser", "/admin/blog/post/add/", ["title", "slug", "content", "author", "category", "status"]),
    ("superuser", "/admin/users/user/add/", ["username", "email", "usable_password", "password1", "password2"]),
    ("superuser", "/admin/blog/category/add/", ["name", "slug"]),
]  # fmt: skip
# Per form: enough to meet every field empty, odd and missing, while the suite stays quick.
FUZZ_EXAMPLES = 15
SEARCHES = ["/search/", "/", "/category/{category}/", "/drafts/"]


def form_data(fields):
    """Some of the form's fields (now and then a stranger or a file), each with one or more values."""
    names = st.sampled_from([*fields, "unexpected"])
    return st.dictionaries(names, st.one_of(values, st.lists(values, min_size=2, max_size=3)))


def with_files(data, fields):
    files = {"image", "avatar"} & set(fields) & set(data)
    for name in files:
        data[name] = SimpleUploadedFile("x.jpg", str(data[name]).encode()[:1000], "image/jpeg")
    return data


def answer(site, who, method, path, data):
    """One request as `who`, on the site as the fixture left it: rolled back, fresh throttles."""
    with own_cache_keys(), transaction.atomic():
        client = Client()
        if who in site["accounts"]:
            client.force_login(site["accounts"][who])
        url = path.format(**site["names"])
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize(("who", "path", "fields"), FORMS, ids=[path for _, path, _ in FORMS])
def test_no_form_answers_with_a_server_error(site, who, path, fields):
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(fields))
    def fuzz(data):
        assert answer(site, who, "POST", path, with_files(data, fields)) < 500

    fuzz()


@pytest.mark.parametrize("path", SEARCHES)
def test_no_list_or_search_answers_with_a_server_error(site, path):
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(["q", "page"]))
    def fuzz(data):
        assert answer(site, "author", "GET", path, data) < 500

    fuzz()
