"""Likes toggle in place for scripts that ask for JSON, and by a plain form post without them."""

import pytest

from blog.models import Like
from blog.tests.factories import LikeFactory

JSON = {"HTTP_ACCEPT": "application/json"}
BROWSER_FORM = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def reader(client, other_user):
    client.force_login(other_user)
    return client


def test_a_script_gets_the_new_state_and_count_as_json(reader, post, user):
    LikeFactory(post=post, user=user)

    liked = reader.post(f"/post/{post.slug}/like/", **JSON)
    unliked = reader.post(f"/post/{post.slug}/like/", **JSON)

    assert (liked.status_code, liked.json()) == (200, {"liked": True, "count": 2})
    assert (unliked.status_code, unliked.json()) == (200, {"liked": False, "count": 1})


def test_a_form_post_without_javascript_returns_to_the_post(reader, post):
    response = reader.post(f"/post/{post.slug}/like/", **BROWSER_FORM)

    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert Like.objects.filter(post=post).count() == 1


def test_a_throttled_script_gets_the_message_as_json_and_nothing_changes(reader, post, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "like": {"user": "1/h"}}
    reader.post(f"/post/{post.slug}/like/", **JSON)

    response = reader.post(f"/post/{post.slug}/like/", **JSON)

    assert response.status_code == 429
    assert "too often" in response.json()["error"]
    assert Like.objects.filter(post=post).count() == 1


def test_the_like_form_is_marked_for_the_script_and_names_its_count(reader, post):
    page = reader.get(post.get_absolute_url()).text

    assert "data-like-form" in page
    assert "<span data-like-count>0</span>" in page
    assert 'src="/static/js/likes' in page
