from html.parser import HTMLParser

import pytest
from django.test import override_settings

from cblog.markdown import MAX_DEPTH, VOID, render_markdown

CDN_STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "cblog-media",
            "location": "media",
            "custom_domain": "cdn.example.com",
            "querystring_auth": False,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def test_markdown_becomes_html():
    assert render_markdown("**bold** and _em_") == "<p><strong>bold</strong> and <em>em</em></p>"


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        # CommonMark leaves a link to a forbidden scheme as plain text: no href at all.
        ("[click](javascript:alert(1))", "href"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="background:url(x)">x</p>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
    ],
)
def test_dangerous_markup_is_removed(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_links_are_kept_and_marked_nofollow():
    html = render_markdown("[docs](https://example.com)")
    assert 'href="https://example.com"' in html
    assert "nofollow" in html


def test_code_blocks_are_escaped():
    html = render_markdown("```\n<b>not bold</b>\n```")
    assert "&lt;b&gt;" in html


def test_tables_render_with_their_alignment():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<th class="text-start">a</th>' in html
    assert '<td class="text-end">2</td>' in html


def test_authors_cannot_set_other_classes():
    assert "class" not in render_markdown('<p class="alert">x</p><td class="d-none">y</td>')


def test_images_from_the_sites_media_are_kept():
    html = render_markdown("![river](/media/blog/abc/display.jpg)")
    assert html == '<p><img src="/media/blog/abc/display.jpg" alt="river"></p>'


@pytest.mark.parametrize(
    "url",
    [
        "http://tracker.example/p.png",
        "https://tracker.example/media/p.png",
        "//tracker.example/media/p.png",
        "/static/logo.png",
        "https://cdn.example.com.tracker.example/media/p.png",
    ],
)
def test_an_image_from_elsewhere_becomes_a_nofollow_link(url):
    html = render_markdown(f"![pixel]({url})")
    assert "<img" not in html
    assert f'<a href="{url}" rel="nofollow noopener noreferrer">pixel</a>' in html


def test_an_image_from_elsewhere_without_alt_text_links_with_its_url():
    html = render_markdown("![](http://tracker.example/p.png)")
    assert ">http://tracker.example/p.png</a>" in html


def test_an_image_from_elsewhere_inside_a_link_leaves_its_text_in_that_link():
    html = render_markdown("[![logo](http://tracker.example/p.png)](https://example.com)")
    assert (
        html == '<p><a href="https://example.com" rel="nofollow noopener noreferrer">logo</a></p>'
    )


RAW_IMAGES = {
    "from elsewhere": (
        '<img src="http://tracker.example/p.png" alt="x">',
        '<a href="http://tracker.example/p.png" rel="nofollow noopener noreferrer">x</a>',
    ),
    "own without alt": ('<img src="/media/a.jpg">', '<img alt="" src="/media/a.jpg">'),
    "no source": ('<img alt="a river">', "a river"),
    "forbidden scheme": ('<img src="javascript:alert(1)" alt="x">', "x"),
    "bare": ("<img>", ""),
}


@pytest.mark.parametrize("case", RAW_IMAGES)
def test_a_raw_image_follows_the_markdown_rules_and_always_has_a_source_and_an_alt(case):
    source, expected = RAW_IMAGES[case]
    assert render_markdown(source) == expected


@pytest.mark.parametrize(
    ("cell", "align", "expected"),
    [("td", "right", 'td class="text-end"'), ("th", "center", 'th class="text-center"'),
     ("td", "justify", "td")],
)  # fmt: skip
def test_a_raw_align_attribute_becomes_the_alignment_class_or_nothing(cell, align, expected):
    html = render_markdown(f'<table><tr><{cell} align="{align}">x</{cell}></tr></table>')
    assert "align=" not in html
    assert f"<{expected}>x</{cell}>" in html


@override_settings(STORAGES=CDN_STORAGES)
def test_images_from_the_media_domain_of_the_storage_are_kept():
    html = render_markdown("![river](https://cdn.example.com/media/blog/abc/display.jpg)")
    assert '<img src="https://cdn.example.com/media/blog/abc/display.jpg"' in html
    assert '<img src="https://cdn.example.com/static/x.png"' not in render_markdown(
        "![x](https://cdn.example.com/static/x.png)"
    )


def max_depth(html: str) -> int:
    """How deep elements nest in well-formed HTML (void elements aside)."""

    class Depth(HTMLParser):
        depth = deepest = 0

        def handle_starttag(self, tag, attrs):
            if tag not in VOID:
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)

        def handle_endtag(self, tag):
            self.depth -= 1

    parser = Depth()
    parser.feed(html)
    return parser.deepest


@pytest.mark.parametrize(
    "source",
    [
        "> " * 1000 + "deep",
        ">" * 50_000 + "deep",
        "<ul>" * 1000 + "deep",
        "<b><div>" * 1000 + "deep",
    ],
    ids=["quote markers", "quote characters", "raw lists", "raw mixed"],
)
def test_deep_nesting_is_cut_at_the_depth_limit_and_keeps_its_text(source):
    html = render_markdown(source)
    assert max_depth(html) <= MAX_DEPTH
    assert "deep" in html


def test_links_nest_inside_images_inside_links():
    html = render_markdown("[![logo *big*](/media/logo.png)](https://example.com)")
    assert '<a href="https://example.com"' in html
    assert '<img src="/media/logo.png" alt="logo big">' in html


@override_settings(MEDIA_URL="")
def test_an_empty_media_url_lets_no_image_through():
    assert "<img" not in render_markdown("![pixel](http://tracker.example/p.png)")
