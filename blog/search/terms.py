"""What a search box's text means: its words, lower-cased, at most MAX_TERMS of them."""

import re
import unicodedata

MAX_TERMS = 8
# Letters and digits; punctuation and underscores separate words, as both full-text parsers do.
WORD = re.compile(r"[^\W_]+")


def search_terms(text: str) -> list[str]:
    """The distinct words of `text` in order; operators and quotes are never passed through."""
    words = dict.fromkeys(word.casefold() for word in WORD.findall(text))
    return list(words)[:MAX_TERMS]


def folded(text: str) -> str:
    """Without case or accents, as both indexes compare words."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def holds_every_term(text: str, terms: list[str]) -> bool:
    """Whether each term is a word of `text` or the start of one, as the indexes match."""
    words = WORD.findall(folded(text))
    return all(any(word.startswith(folded(term)) for word in words) for term in terms)
