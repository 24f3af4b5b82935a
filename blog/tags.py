"""Tag names as authors type them: comma-separated, tidied, one tag per name whatever its case."""

import unicodedata

from django import forms

MAX_TAGS = 10
MAX_LENGTH = 50


def tag_name(raw: str) -> str:
    """One name: Unicode in its composed form, spaces collapsed, no leading '#'."""
    name = unicodedata.normalize("NFC", raw)
    return " ".join(name.split()).lstrip("#").strip()


def tag_key(name: str) -> str:
    """What makes two names one tag: "Django", "django" and "DJANGO" share a key."""
    return unicodedata.normalize("NFKC", tag_name(name)).casefold()


def tag_names(text: str) -> list[str]:
    """The distinct names in a comma-separated list, in the order typed (first spelling wins)."""
    names = {}
    for raw in text.split(","):
        name = tag_name(raw)
        if name:
            names.setdefault(tag_key(name), name)
    return list(names.values())


def tags_string(tags) -> str:
    """Names or Tag rows as the form shows them."""
    return ", ".join(str(tag) for tag in tags)


class TagsField(forms.CharField):
    """A comma-separated list of tag names, cleaned to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault(
            "help_text", f"Separate tags with commas, up to {MAX_TAGS}: travel, Lisbon, café."
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return tags_string(value)
        return value

    def clean(self, value):
        names = tag_names(super().clean(value) or "")
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags; this list has {len(names)}.")
        too_long = [name for name in names if len(name) > MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"A tag has at most {MAX_LENGTH} characters: “{too_long[0][:60]}…” is longer."
            )
        return names
