"""The search page: what it says for each kind of query, the count, marked results, its cost.

Transactional tests: InnoDB adds rows to a FULLTEXT index when their transaction commits.
"""

import pytest

from blog.models import BODY_START
from blog.tests.factories import PostFactory


@pytest.fixture
def posts(transactional_db):
    title = PostFactory(title="River walks", content="Three long walks.")
    body = PostFactory(title="Notes", content="We walked along the `<river>` & saw <b>boats</b>.")
    return {"title": title, "body": body}


def test_results_are_ranked_counted_and_marked(client, posts):
    response = client.get("/search/?q=river")
    html = response.content.decode()
    assert list(response.context["page_obj"]) == [posts["title"], posts["body"]]
    assert "2 posts match, best matches first." in html
    assert "<mark>River</mark> walks" in html
    assert "along the &lt;<mark>river</mark>&gt; &amp; saw boats." in html


def test_one_result_is_counted_in_the_singular(client, posts):
    assert "1 post matches" in client.get("/search/?q=boats").content.decode()


def test_an_empty_query_asks_for_a_word(client, posts):
    html = client.get("/search/?q=+").content.decode()
    assert "Type a word in the search box" in html
    assert "No posts" not in html


def test_a_query_without_hits_says_nothing_matches(client, posts):
    html = client.get("/search/?q=volcano").content.decode()
    assert "No posts match “volcano”." in html
    assert "Type a word" not in html


def test_a_query_without_words_says_so(client, posts):
    html = client.get("/search/?q=%21%3F").content.decode()
    assert "has no word to search for" in html


def test_a_scheduled_or_draft_post_is_not_found(client, transactional_db):
    PostFactory(title="River secret", draft=True)
    assert "No posts match" in client.get("/search/?q=secret").content.decode()


def test_search_runs_eight_queries_at_any_number_of_results(
    client, transactional_db, django_assert_num_queries
):
    for post in PostFactory.create_batch(30, content="river " * 50):
        post.tags.set(["rivers", post.slug])
    # The newest posts holding the words, the lowest and highest ids, posts spread between them,
    # the matches off the index, the ten posts, their authors, their tags, the category menu.
    with django_assert_num_queries(8):
        assert client.get("/search/?q=river&page=2").status_code == 200


def test_more_matches_than_are_ranked_are_counted_as_at_least(
    client, transactional_db, monkeypatch
):
    monkeypatch.setattr("blog.search.MAX_RESULTS", 3)
    PostFactory.create_batch(4, content="river")
    html = client.get("/search/?q=river").content.decode()
    assert "At least 3 posts match, best matches first." in html


@pytest.mark.parametrize("matching", [13, 40])
def test_search_with_more_matches_than_are_ranked_runs_as_many_queries_at_any_size(
    client, transactional_db, monkeypatch, matching, django_assert_max_num_queries
):
    monkeypatch.setattr("blog.search.MAX_RESULTS", 12)
    for post in PostFactory.create_batch(matching, content="river " * 50):
        post.tags.set(["rivers", post.slug])
    # The newest posts holding the words (more than are ranked: the index is not read), the page,
    # its authors, their tags, the menu.
    with django_assert_max_num_queries(6):
        assert client.get("/search/?q=river&page=2").status_code == 200


def test_results_read_only_the_start_of_each_body(client, transactional_db):
    PostFactory(content="river " * 9000)
    PostFactory(content="river " + "word " * 5000 + "*late*")

    page = client.get("/search/?q=river").context["page_obj"]

    assert [len(post.body_start) for post in page] == [BODY_START] * 2
    assert all({"content", "content_html"} <= post.get_deferred_fields() for post in page)


def test_a_tag_cut_at_the_end_of_the_start_is_not_shown(client, transactional_db):
    PostFactory(content="river " * 664 + "[a link](https://example.com/long/path)")
    html = client.get("/search/?q=river").content.decode()
    assert "&lt;a" not in html and "example.com" not in html


def test_each_search_marks_its_own_words_on_a_card(client, posts):
    client.get("/search/?q=river")
    html = client.get("/search/?q=walks").content.decode()
    assert "River <mark>walks</mark>" in html and "<mark>River</mark>" not in html
