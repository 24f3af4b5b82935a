"""A list page is kept once for every signed-in reader of its URL, with each reader's own header
put in on every request (blog.views.PostListMixin.signed_in_page)."""

import re

import pytest
from django.test import Client

from blog.tests.factories import PostFactory
from cblog.page_cache import is_cache_shared
from users.tests.factories import TEST_PASSWORD

LIST_TEMPLATE = "blog/post_list.html"
TOKEN = re.compile(
    r'action="/users/logout/" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="(\w+)"'
)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 300


@pytest.fixture
def post(user):
    return PostFactory(author=user, title="A walk by the river", slug="a-walk-by-the-river")


def reader(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rendered(response) -> bool:
    return LIST_TEMPLATE in {template.name for template in response.templates}


def names_in_header(page: str) -> list[str]:
    return re.findall(r'href="/users/profile/">([^<]*)</a>', page)


@pytest.mark.parametrize("path", ["/", "/?page=1", "/author/alice/", "/search/?q=river"])
def test_a_second_signed_in_read_of_a_list_is_not_rendered_again(user, other_user, post, path):
    assert rendered(reader(user).get(path))

    assert not rendered(reader(other_user).get(path))


def test_a_kept_page_shows_each_reader_their_own_name_and_never_another_s(user, other_user, post):
    assert names_in_header(reader(user).get("/").text) == ["alice"]

    assert names_in_header(reader(other_user).get("/").text) == ["bob"]


def test_staff_see_the_admin_link_on_a_page_kept_for_a_reader_who_is_not(user, staff_user, post):
    reader(user).get("/")

    assert 'href="/admin/"' in reader(staff_user).get("/").text


def test_a_reader_who_is_not_staff_sees_no_admin_link_on_a_page_kept_for_staff(
    user, staff_user, post
):
    reader(staff_user).get("/")

    assert 'href="/admin/"' not in reader(user).get("/").text


def test_a_kept_search_shows_its_words_in_each_reader_s_search_box(user, other_user, post):
    reader(user).get("/search/?q=river")

    assert (
        'name="q" placeholder="Search posts" value="river"'
        in reader(other_user).get("/search/?q=river").text
    )


def test_a_kept_page_is_private_and_has_no_etag(user, other_user, post):
    reader(user).get("/")

    response = reader(other_user).get("/")

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_signing_out_works_with_the_token_of_a_kept_page(user, other_user, post):
    reader(user).get("/")
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_user)
    page = client.get("/")
    assert not rendered(page)

    signed_out = client.post("/users/logout/", {"csrfmiddlewaretoken": TOKEN.search(page.text)[1]})

    assert signed_out.status_code == 302
    assert "Sign in" in client.get("/").text


def test_messages_are_shown_once_on_a_kept_page_then_gone(user, post):
    reader(user).get("/")  # kept: registering bumps the version only once its commit is made
    newcomer = Client()
    form = {"username": "carol", "email": "carol@example.com"}
    passwords = {"password1": TEST_PASSWORD, "password2": TEST_PASSWORD}

    welcome = newcomer.post("/users/register/", {**form, **passwords}, follow=True)

    assert "Welcome, carol!" in welcome.text
    assert names_in_header(welcome.text) == ["carol"]
    again = newcomer.get("/")
    assert "Welcome, carol!" not in again.text
    assert not rendered(again)


def test_a_reader_s_drafts_are_never_kept_for_another(user, other_user):
    PostFactory(author=user, title="Secret plans of Alice", draft=True)
    PostFactory(author=other_user, title="Notes of Bob", draft=True)
    assert "Secret plans of Alice" in reader(user).get("/drafts/").text

    page = reader(other_user).get("/drafts/").text

    assert "Notes of Bob" in page
    assert "Secret plans of Alice" not in page


def test_with_the_page_cache_off_signed_in_pages_render_every_time(user, post, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = reader(user)
    client.get("/")

    assert rendered(client.get("/"))


def test_a_kept_page_runs_no_query_but_the_session_user_and_version_without_redis(
    user, post, django_assert_max_num_queries
):
    client = reader(user)
    client.get("/")

    with django_assert_max_num_queries(0 if is_cache_shared() else 3):
        assert client.get("/").status_code == 200
