"""Search ranks title matches first, shows counts and marked snippets, and finds only public posts,
on SQLite's FTS5 table and on MariaDB's FULLTEXT indexes alike.

Transactional tests: InnoDB adds rows to a FULLTEXT index when their transaction commits.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.apps import search_index_repair
from blog.models import Post
from blog.search import post_search, search_words
from blog.search.highlight import marked, snippet
from blog.search.schema import SQLITE_TRIGGERS
from blog.search.terms import search_terms
from blog.tests.factories import PostFactory


def search(text):
    return list(post_search(Post.objects.published(), search_words(text)))


@pytest.fixture
def river_posts(transactional_db):
    body_only = PostFactory(title="Notes from the week", content="We walked along the river.")
    in_title = PostFactory(title="River walks", content="Three long walks.")
    PostFactory(title="Mountains", content="No water here.")
    return {"body": body_only, "title": in_title}


def test_a_title_match_ranks_above_a_body_match(river_posts):
    assert search("river") == [river_posts["title"], river_posts["body"]]


def test_a_title_match_ranks_first_even_when_it_is_the_older_post(transactional_db):
    title = PostFactory(
        title="Lights over the old harbour wall at night", content="Evening light. " * 300
    )
    body = PostFactory(title="Evening", content="Harbour " * 300)
    assert search("harbour") == [title, body]


def test_every_word_must_match(river_posts):
    assert search("river week") == [river_posts["body"]]


def test_a_word_matches_the_start_of_longer_words(transactional_db):
    post = PostFactory(title="Gardening", content="Photographs of tomatoes.")
    assert search("photo") == [post]


def test_search_ignores_case_and_accents(transactional_db):
    post = PostFactory(title="Café culture", content="Coffee.")
    assert search("CAFE") == [post]


def test_drafts_are_never_found(transactional_db):
    PostFactory(title="Secret river plans", draft=True)
    assert search("secret") == []


def test_an_edited_post_is_found_by_its_new_words_only(transactional_db):
    post = PostFactory(title="Old title", content="Old words.")
    post.title, post.content = "Lighthouse keeper", "New words."
    post.save()
    assert (search("lighthouse"), search("old")) == ([post], [])


def test_a_deleted_post_leaves_the_index(transactional_db):
    PostFactory(title="Fleeting harbour").delete()
    assert search("fleeting") == []


@pytest.mark.parametrize(
    "text",
    ['"river', "river*)", "(river", "-river", "+river", "{river}", "^river:"],
)
def test_operators_in_the_search_box_are_plain_words(river_posts, text):
    assert search(text) == [river_posts["title"], river_posts["body"]]


def test_search_terms_are_distinct_lower_case_words():
    assert search_terms("River, river! O'Brien_x") == ["river", "o", "brien", "x"]


def test_marked_text_is_escaped_around_the_marks():
    assert marked("<b>River</b> & rivers", ["river"]) == (
        "&lt;b&gt;<mark>River</mark>&lt;/b&gt; &amp; <mark>rivers</mark>"
    )


def test_a_term_never_marks_inside_an_escaped_entity():
    assert marked("fish & chips", ["amp"]) == "fish &amp; chips"


def test_a_snippet_shows_the_words_around_the_first_match():
    text = " ".join(f"w{n}" for n in range(100)) + " river " + "end " * 40
    shown = snippet(text, ["river"])
    assert shown.startswith("… w92 ") and "<mark>river</mark>" in shown and shown.endswith(" …")


def test_a_snippet_without_a_match_in_the_text_starts_at_the_start():
    assert snippet("Short text.", ["river"]) == "Short text."


@pytest.fixture
def harbour_posts(transactional_db, monkeypatch):
    """More matching posts than are ranked (3), the oldest first, so that an index's order and
    the order of age agree."""
    monkeypatch.setattr("blog.search.MAX_RESULTS", 3)
    now = timezone.now()
    return [
        PostFactory(title="Notes", content="The harbour.", published_at=now - timedelta(days=day))
        for day in range(6, 0, -1)
    ]


# The newest posts checked first: all of them (the words are common), or fewer than match.
NEWEST_CHECKED = pytest.mark.parametrize("newest", [100, 2])


@NEWEST_CHECKED
def test_more_matches_than_are_ranked_are_counted_as_a_lower_bound(
    harbour_posts, monkeypatch, newest
):
    monkeypatch.setattr("blog.search.NEWEST", newest)
    results = post_search(Post.objects.published(), ["harbour"])
    assert (results.count(), results.truncated, len(list(results))) == (3, True, 3)


@NEWEST_CHECKED
def test_the_newest_post_is_found_when_more_posts_match_than_are_ranked(
    harbour_posts, monkeypatch, newest
):
    monkeypatch.setattr("blog.search.NEWEST", newest)
    assert search("harbour")[0] == harbour_posts[-1]


@pytest.mark.skipif(connection.vendor != "mysql", reason="InnoDB FULLTEXT")
def test_mysql_finds_a_common_word_among_the_newest_posts_without_reading_the_index(
    harbour_posts,
):
    with CaptureQueriesContext(connection) as queries:
        found = search("harbour")
    assert found == harbour_posts[:-4:-1]
    assert not any("MATCH" in query["sql"].upper() for query in queries)


@NEWEST_CHECKED
def test_a_title_match_still_ranks_first_when_more_posts_match_than_are_ranked(
    transactional_db, monkeypatch, newest
):
    title = PostFactory(title="Harbour lights", published_at=timezone.now() - timedelta(days=30))
    PostFactory.create_batch(5, title="Notes", content="The harbour.")
    monkeypatch.setattr("blog.search.MAX_RESULTS", 3)
    monkeypatch.setattr("blog.search.NEWEST", newest)
    assert search("harbour")[0] == title


@pytest.mark.parametrize(
    ("text", "first_two"),
    [
        ("walks river", ["River walks", "Walks"]),
        ("wal riv", ["River walks", "River"]),
        ("RIVER", ["River", "River walks"]),
    ],
)
def test_the_newest_posts_are_checked_for_every_word_as_the_index_matches(
    transactional_db, monkeypatch, text, first_two
):
    # Oldest first; more posts match each text than are ranked (2).
    PostFactory(title="River walks", content="Photographs.")
    PostFactory(title="Notes", content="Walks by the river.")
    PostFactory(title="Walks", content="Along the riverbank.")
    PostFactory(title="River", content="No walking here.")
    monkeypatch.setattr("blog.search.MAX_RESULTS", 2)
    results = post_search(Post.objects.published(), search_words(text))
    assert (results.truncated, [post.title for post in results]) == (True, first_two)


def test_fewer_matches_than_are_ranked_are_counted_exactly(river_posts):
    results = post_search(Post.objects.published(), ["river"])
    assert (results.count(), results.truncated) == (2, False)


@pytest.mark.skipif(connection.vendor != "mysql", reason="InnoDB FULLTEXT")
def test_mysql_reads_matches_off_the_fulltext_index_without_sorting_them(
    harbour_posts, monkeypatch
):
    monkeypatch.setattr("blog.search.NEWEST", 2)
    with CaptureQueriesContext(connection) as queries:
        search("harbour")
    probe = next(query["sql"] for query in queries if "MATCH" in query["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + probe)
        plan = cursor.fetchall()
    (_, _, table, kind, _, key, *_, extra) = plan[0]
    assert (len(plan), table, kind, key) == (1, "blog_post", "fulltext", "post_text_fulltext")
    assert "filesort" not in extra and "temporary" not in extra
    assert "ORDER BY" not in probe and "LIMIT 4" in probe


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5")
def test_sqlite_puts_back_triggers_that_a_table_rebuild_dropped(transactional_db):
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    PostFactory(title="Written while the triggers were gone")

    search_index_repair(using="default")

    post = PostFactory(title="Triggers are back")
    assert (len(search("written")), search("back")) == (1, [post])


def match_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "MATCH(" in query["sql"]]


def explain(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return cursor.fetchall()


@pytest.fixture
def old_harbour_posts(transactional_db, monkeypatch):
    """A word held by every old post, by none of the newest (checked first, 2), with more old
    posts than are ranked (3); the oldest holds it in its title too."""
    monkeypatch.setattr("blog.search.MAX_RESULTS", 3)
    monkeypatch.setattr("blog.search.NEWEST", 2)
    now = timezone.now()
    old = [
        PostFactory(title="Notes", content="The harbour.", published_at=now - timedelta(days=day))
        for day in range(30, 24, -1)
    ]
    title = PostFactory(title="Harbour lights", published_at=now - timedelta(days=40))
    PostFactory.create_batch(2, title="News", content="Nothing much.")
    return {"old": old, "title": title}


@pytest.mark.skipif(connection.vendor != "mysql", reason="InnoDB FULLTEXT")
def test_mysql_never_looks_up_a_word_held_by_more_posts_than_an_index_read_allows(
    old_harbour_posts, monkeypatch
):
    monkeypatch.setattr("blog.search.INDEX_READ", 4)  # the sample finds 7 posts holding it
    with CaptureQueriesContext(connection) as queries:
        results = post_search(Post.objects.published(), ["harbour"])
        found = list(results)

    assert not any("`content`) AGAINST" in sql for sql in match_queries(queries))
    assert (results.truncated, results.count()) == (True, 3)
    assert found[0] == old_harbour_posts["title"]


@pytest.mark.skipif(connection.vendor != "mysql", reason="InnoDB FULLTEXT")
def test_mysql_reads_an_old_title_match_off_the_titles_index_when_more_posts_match(
    old_harbour_posts, monkeypatch
):
    monkeypatch.setattr("blog.search.SAMPLE", 1)  # the sample sees none of the title matches
    with CaptureQueriesContext(connection) as queries:
        found = search("harbour")

    assert found[0] == old_harbour_posts["title"]
    titles = next(sql for sql in match_queries(queries) if "MATCH(`blog_post`.`title`) " in sql)
    (_, _, table, kind, _, key, *_) = explain(titles)[0]
    assert (table, kind, key) == ("blog_post", "fulltext", "post_title_fulltext")
    assert "LIMIT 4" in titles


@pytest.mark.skipif(connection.vendor != "mysql", reason="InnoDB FULLTEXT")
def test_mysql_looks_up_only_the_rare_word_and_checks_the_common_one_on_its_rows(
    old_harbour_posts, monkeypatch
):
    monkeypatch.setattr("blog.search.INDEX_READ", 4)
    crane = PostFactory(title="Cranes", content="A crane at the harbour.")
    with CaptureQueriesContext(connection) as queries:
        results = post_search(Post.objects.published(), ["harbour", "crane"])
        found = list(results)

    (read,) = match_queries(queries)
    assert "+crane*" in read and "+harbour*" not in read
    assert (found, results.truncated) == ([crane], False)
