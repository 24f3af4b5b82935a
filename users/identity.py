"""When two accounts are the same: normalised email addresses and look-alike usernames."""

import unicodedata

import regex
from disarm import skeleton_key
from django.core.exceptions import ValidationError

# Zero-width spaces, soft hyphens, joiners, BOMs...: invisible, and dropped on the way to a mailbox.
DEFAULT_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
SKELETON_MAX_LENGTH = 450


def canonical_email(address: str) -> str:
    """The stored form of an address: NFKC, trimmed and lower-cased."""
    return unicodedata.normalize("NFKC", address).strip().lower()


def normalize_email(address: str) -> str:
    """The canonical address; refuses invisible code points, which would make a second account
    for one inbox."""
    if DEFAULT_IGNORABLE.search(address):
        raise ValidationError(
            "Email addresses cannot contain invisible characters.", code="invisible"
        )
    return canonical_email(address)


def username_skeleton(username: str) -> str:
    """The Unicode TR39 skeleton, lower-cased: names that look alike share it.

    "alice" with a Cyrillic a, "Alice" and "alice" share one; so do "paypaI" and "paypal", "b0b" and
    "bob". Confusables are folded before case, so "ALICE" (I ≡ l) stays apart from "alice".
    """
    return skeleton_key(username, digit_policy="tr39")[:SKELETON_MAX_LENGTH]
