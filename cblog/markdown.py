"""Markdown to safe HTML, in time linear in the input.

cmark-gfm (C, through cmarkgfm) parses CommonMark plus tables without the backtracking that let
one post stall a worker; nh3 then removes anything that could run script. Two rules are applied
to the sanitized HTML: pictures load only from the site's own media (no third party's tracking
pixel), and table alignment becomes the stylesheet's classes (an attribute or a style would be
invalid HTML or break the CSP).
"""

import re
from html import unescape
from urllib.parse import urlsplit

import nh3
from cmarkgfm.cmark import Options, markdown_to_html_with_extensions
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.html import strip_tags
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    # Read by align_cells below, which turns it into a class; never sent out as it is.
    "th": {"align"},
    "td": {"align"},
}
LINK_REL = "nofollow noopener noreferrer"

ALIGN_CLASSES = {"left": "text-start", "center": "text-center", "right": "text-end"}

# The HTML parser inside nh3 slows down with the square of the depth of open elements, which
# cmark-gfm and raw HTML leave unbounded (">" * 50000 is 50,000 nested quotes): deeper tags are cut.
MAX_DEPTH = 40
TAG = re.compile(r"<(/?)([a-z][a-z0-9-]*)\b[^>]*?(/?)>", re.IGNORECASE)
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
}  # fmt: skip

# nh3's serializer double-quotes every attribute and escapes the quotes inside values.
LINK_OR_IMAGE = re.compile(r"<(a|img)((?:\s+[\w-]+=\"[^\"]*\")*)\s*/?>|</a>")
ATTRIBUTE = re.compile(r"([\w-]+)=\"([^\"]*)\"")
ALIGNED_CELL = re.compile(r"<(th|td) align=\"(\w+)\">")


def cap_depth(html: str) -> str:
    """Drops the tags of elements opened deeper than MAX_DEPTH (their text stays)."""
    depth = 0

    def keep(match):
        nonlocal depth
        closing, name, self_closing = match[1], match[2].lower(), match[3]
        if name in VOID or self_closing:
            return match[0]
        if closing:
            depth = max(depth - 1, 0)
            return match[0] if depth < MAX_DEPTH else ""
        depth += 1
        return match[0] if depth <= MAX_DEPTH else ""

    return TAG.sub(keep, html)


def own_media_prefixes() -> tuple[str, ...]:
    """MEDIA_URL, and the URL the storage serves media from (the CloudFront domain on S3)."""
    probe = "probe"
    stored = urlsplit(default_storage.url(probe))
    base = stored._replace(path=stored.path.removesuffix(probe), query="", fragment="").geturl()
    # An empty prefix would let every URL through.
    return tuple(prefix for prefix in (settings.MEDIA_URL, base) if prefix)


def own_images_only(html: str, own_media: tuple[str, ...]) -> str:
    """A picture from the site's media stays (with an alt, empty if none was given); one from
    elsewhere becomes a nofollow link to it, or its text inside a link; one without a source
    leaves only its alt text."""
    in_link = False

    def replace(match):
        nonlocal in_link
        if match[1] != "img":
            in_link = match[1] == "a"
            return match[0]
        attributes = dict(ATTRIBUTE.findall(match[2]))
        src, alt = attributes.get("src", ""), attributes.get("alt", "")
        if src and unescape(src).startswith(own_media):
            return match[0] if "alt" in attributes else match[0].replace("<img", '<img alt=""', 1)
        if not src or in_link:
            return alt or src
        return f'<a href="{src}" rel="{LINK_REL}">{alt or src}</a>'

    return LINK_OR_IMAGE.sub(replace, html)


def align_cells(html: str) -> str:
    def replace(match):
        alignment = ALIGN_CLASSES.get(match[2].lower())
        return f'<{match[1]} class="{alignment}">' if alignment else f"<{match[1]}>"

    return ALIGNED_CELL.sub(replace, html)


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitized: no scripts, no event handlers, no javascript: links,
    no pictures from other sites."""
    html = markdown_to_html_with_extensions(
        text, options=Options.CMARK_OPT_UNSAFE, extensions=["table"]
    )
    clean = nh3.clean(
        cap_depth(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )
    return align_cells(own_images_only(clean, own_media_prefixes())).strip()


def plain_text(html: str) -> str:
    """Rendered HTML as plain text, entities decoded: templates escape it once."""
    return unescape(strip_tags(html))


def plain_text_excerpt(html: str) -> str:
    """The first words of rendered HTML as plain text."""
    return Truncator(plain_text(html)).words(40, truncate="…")[:300]
