"""Search terms marked in titles and snippets: the text is escaped piece by piece, and only the
<mark> tags around matching words are markup, so no post can inject HTML through a result."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from blog.search.terms import WORD

SNIPPET_WORDS = 30
WORDS_BEFORE = 8


def matches(word: str, terms: list[str]) -> bool:
    """A word matches a term it equals or starts with, as the full-text indexes match."""
    word = word.casefold()
    return any(word.startswith(term) for term in terms)


def marked(text: str, terms: list[str]) -> SafeString:
    """`text`, escaped, with each matching word in <mark>."""
    pieces, end = [], 0
    for word in WORD.finditer(text):
        if matches(word.group(), terms):
            pieces.append(escape(text[end : word.start()]))
            pieces.append(f"<mark>{escape(word.group())}</mark>")
            end = word.end()
    pieces.append(escape(text[end:]))
    return mark_safe("".join(pieces))


def snippet(text: str, terms: list[str], words=SNIPPET_WORDS) -> SafeString:
    """About `words` words of `text` around its first matching word (or its start), marked."""
    found = list(WORD.finditer(text))
    first = next((i for i, word in enumerate(found) if matches(word.group(), terms)), 0)
    start = max(0, min(first - WORDS_BEFORE, len(found) - words))
    end = start + words
    cut_before, cut_after = start > 0, end < len(found)
    shown = text[
        found[start].start() if cut_before else 0 : found[end - 1].end() if cut_after else None
    ]
    return mark_safe(
        f"{'… ' if cut_before else ''}{marked(shown, terms)}{' …' if cut_after else ''}"
    )
