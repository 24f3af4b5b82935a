import pytest

from blog.markdown import render_markdown


def test_markdown_becomes_html():
    assert render_markdown("**bold** and _em_") == "<p><strong>bold</strong> and <em>em</em></p>"


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
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
