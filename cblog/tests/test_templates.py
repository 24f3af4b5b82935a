import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.template import Context, RequestContext, Template
from django.test import RequestFactory, override_settings
from django.urls import set_script_prefix

TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]


def test_no_template_carries_an_inline_style():
    """The Content-Security-Policy forbids inline styles: they belong in static CSS."""
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for folder in TEMPLATE_DIRS
        for path in Path(folder).rglob("*.html")
        if re.search(r"\sstyle\s*=", path.read_text())
    ]
    assert offenders == []


def test_the_page_column_classes_are_defined_in_the_site_stylesheet():
    css = (settings.BASE_DIR / "static/css/site.css").read_text()
    for name in ("column-narrow", "column-medium", "column-wide"):
        assert re.search(rf"\.{name}\s*{{\s*max-width:", css), name


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/media/blog/1/display.jpg", "http://testserver/media/blog/1/display.jpg"),
        ("https://cdn.example.com/media/x.jpg", "https://cdn.example.com/media/x.jpg"),
    ],
)
def test_absolute_url_completes_paths_and_keeps_absolute_urls(location, expected):
    template = Template("{% load absolute_urls %}{% absolute_url location %}")
    context = Context({"request": RequestFactory().get("/"), "location": location})
    assert template.render(context) == expected


@pytest.mark.django_db
@pytest.mark.urls("cblog.tests.urls_under_prefix")
def test_base_and_footer_link_by_route_name(client):
    page = client.get("/blog/").text
    for path in ("/blog/feeds/rss/", "/blog/feeds/atom/", "/blog/sitemap.xml"):
        assert f'href="{path}"' in page
    assert 'href="/feeds/' not in page and 'href="/sitemap.xml"' not in page


@pytest.mark.django_db
def test_the_layout_links_follow_the_urlconf_and_script_prefix_of_each_request(client):
    assert 'href="/feeds/rss/"' in client.get("/").text
    set_script_prefix("/site/")  # as a WSGI server mounting the site under /site does
    try:
        page = client.get("/").text
        for path in ("/site/feeds/rss/", "/site/sitemap.xml", "/site/archive/"):
            assert f'href="{path}"' in page
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF="cblog.tests.urls_under_prefix"):
        assert 'href="/blog/feeds/rss/"' in client.get("/blog/").text


@pytest.mark.django_db
@pytest.mark.urls("cblog.tests.urls_under_prefix")
def test_error_pages_link_home_by_route_name(client):
    response = client.get("/blog/no-such-page/")
    assert response.status_code == 404
    assert 'class="btn btn-primary" href="/blog/"' in response.text


@pytest.mark.urls("cblog.tests.urls_under_prefix")
def test_the_standalone_error_page_links_home_by_route_name():
    from django.template.loader import render_to_string

    assert 'href="/blog/"' in render_to_string("500.html")


@pytest.mark.django_db
@pytest.mark.urls("cblog.tests.urls_under_prefix")
def test_robots_txt_points_to_the_sitemap_by_route_name(client):
    assert "Sitemap: http://testserver/blog/sitemap.xml" in client.get("/blog/robots.txt").text


@pytest.mark.django_db
def test_the_layout_is_rendered_once_for_every_reader_of_a_page_who_is_not_signed_in(client):
    client.get("/search/?q=river")

    rendered = {template.name for template in client.get("/search/?q=river").templates}

    assert "includes/header.html" not in rendered
    assert "includes/category_menu.html" not in rendered
    assert "includes/footer.html" not in rendered
    assert "includes/messages.html" not in rendered  # none to show


@pytest.mark.django_db
def test_the_search_box_shows_each_search_escaped(client):
    assert 'name="q" placeholder="Search posts" value=""' in client.get("/").text
    assert 'value="river"' in client.get("/search/?q=river").text
    assert 'value="&quot;&gt;&lt;b&gt;x"' in client.get('/search/?q="><b>x').text


def test_a_signed_in_reader_gets_a_header_of_their_own_after_anonymous_ones(client, user):
    client.get("/")
    client.force_login(user)

    page = client.get("/").text

    assert f'href="/users/profile/">{user.display_name}</a>' in page
    assert re.search(
        r'action="/users/logout/" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="\w+"',
        page,
    )
    assert "Sign in" not in page


def test_a_signed_in_reader_s_header_is_drawn_once_with_a_fresh_csrf_token_each_time(client, user):
    client.force_login(user)
    first = client.get("/")

    second = client.get("/")

    assert "includes/header.html" not in {template.name for template in second.templates}
    token = re.compile(r'name="csrfmiddlewaretoken" value="(\w+)"')
    assert token.search(first.text)[1] != token.search(second.text)[1]


@pytest.mark.django_db
def test_the_menu_marks_all_posts_on_the_home_page_and_no_link_on_other_pages(client):
    assert '<a href="/" aria-current="page">All posts</a>' in client.get("/").text
    assert '<a href="/archive/" aria-current="page">Archive</a>' in client.get("/archive/").text
    assert "aria-current" not in client.get("/search/?q=x").text


@pytest.mark.django_db
def test_the_footer_shows_the_year_of_each_request(client):
    with time_machine.travel(datetime(2031, 12, 31, 23, 59, tzinfo=UTC), tick=False) as clock:
        assert "&copy; 2031 " in client.get("/").text
        clock.move_to(datetime(2032, 1, 1, 0, 1, tzinfo=UTC))
        assert "&copy; 2032 " in client.get("/").text


@pytest.mark.parametrize("query", ["", "page=2", "q=a+b&page=2&q=%C3%A9", "from=mail&page=5"])
def test_page_links_keep_the_query_as_querystring_writes_it(query):
    context = RequestContext(RequestFactory().get(f"/?{query}"))
    ours = Template("{% load pagination %}{% page_url 3 %}").render(context)

    assert ours == Template("{% querystring page=3 %}").render(context)
