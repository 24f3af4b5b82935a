"""Markdown to safe HTML, in time linear in the input.

markdown-it-py parses CommonMark (plus tables) without the backtracking that let one post stall
a worker under Python-Markdown; nh3 then removes anything that could run script. Images load
only from the site's own media, so that a post cannot embed a third party's tracking pixel.
"""

from html import unescape
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
}

ALIGN_CLASSES = {"left": "text-start", "center": "text-center", "right": "text-end"}

# Blocks may nest as deep as CommonMark's default; inline brackets and emphasis much less,
# because every unclosed `[` rescans up to this many levels ahead of it.
BLOCK_NESTING = 20
INLINE_NESTING = 4


def commonmark(max_nesting: int) -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "maxNesting": max_nesting}).enable("table")


inline_parser = commonmark(INLINE_NESTING)


def parse_inline_shallow(state) -> None:
    """The core "inline" rule, run by the parser with the lower nesting limit."""
    for token in state.tokens:
        if token.type == "inline":
            token.children = []
            inline_parser.inline.parse(token.content, inline_parser, state.env, token.children)


def align_cells(state) -> None:
    """Table alignment as the stylesheet's classes: a style attribute would break the CSP."""
    for token in state.tokens:
        style = token.attrGet("style") if token.type in ("th_open", "td_open") else None
        if style:
            token.attrs = {"class": ALIGN_CLASSES[style.removeprefix("text-align:")]}


def own_media_prefixes() -> tuple[str, ...]:
    """MEDIA_URL, and the URL the storage serves media from (the CloudFront domain on S3)."""
    probe = "probe"
    stored = urlsplit(default_storage.url(probe))
    base = stored._replace(path=stored.path.removesuffix(probe), query="", fragment="").geturl()
    # An empty prefix would let every URL through.
    return tuple(prefix for prefix in (settings.MEDIA_URL, base) if prefix)


def render_image(self, tokens, index, options, env):
    """An image from elsewhere becomes a plain link to it."""
    src = tokens[index].attrGet("src")
    if src.startswith(env["own_media"]):
        return self.image(tokens, index, options, env)
    text = self.renderInlineAsText(tokens[index].children or [], options, env) or src
    return f'<a href="{escape(src)}">{escape(text)}</a>'


parser = commonmark(BLOCK_NESTING)
parser.core.ruler.at("inline", parse_inline_shallow)
parser.core.ruler.push("align_cells", align_cells)
parser.add_render_rule("image", render_image)


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitized: no scripts, no event handlers, no javascript: links,
    no images from other sites (raw <img> tags from elsewhere lose their src)."""
    own_media = own_media_prefixes()

    def keep_attribute(tag, attribute, value):
        if tag == "img" and attribute == "src" and not value.startswith(own_media):
            return None
        return value

    html = parser.render(text, {"own_media": own_media})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep_attribute,
        allowed_classes={cell: set(ALIGN_CLASSES.values()) for cell in ("th", "td")},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    ).strip()


def plain_text_excerpt(html: str) -> str:
    """The first words of rendered HTML as plain text, entities decoded: templates escape it once."""
    return Truncator(unescape(strip_tags(html))).words(40, truncate="…")[:300]
