"""What a search box's text means: its words, lower-cased, at most MAX_TERMS of them."""

import re

MAX_TERMS = 8
# Letters and digits; punctuation and underscores separate words, as both full-text parsers do.
WORD = re.compile(r"[^\W_]+")


def search_terms(text: str) -> list[str]:
    """The distinct words of `text` in order; operators and quotes are never passed through."""
    words = dict.fromkeys(word.casefold() for word in WORD.findall(text))
    return list(words)[:MAX_TERMS]
