"""A revision as lines of text, and a line diff of two: readable on a phone, escaped by templates."""

import difflib
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime

from blog.models import Post
from blog.revisions.models import Revision
from blog.revisions.services import many_fields, metadata_fields


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "same" or "gap"
    text: str


def field_labels() -> dict:
    labels = {field.attname: field.verbose_name for field in metadata_fields()}
    labels.update({field.name: field.verbose_name for field in many_fields()})
    return labels


def readable(name: str, value, names: dict) -> str:
    """A metadata value as a person reads it: a category's name rather than its id, a time in
    the site's time zone."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, str) and (moment := parse_datetime(value)):
        return date_format(localtime(moment), "j M Y, H:i:s")
    return names.get((name, value), str(value))


def related_names(revisions) -> dict:
    """{(attname, pk): name} for the related rows the revisions point at, one query a field."""
    names = {}
    for field in metadata_fields():
        if not field.is_relation:
            continue
        pks = {revision.metadata.get(field.attname) for revision in revisions} - {None}
        for row in field.related_model._default_manager.filter(pk__in=pks):
            names[(field.attname, row.pk)] = str(row)
    return names


def revision_lines(revision: Revision, labels: dict, names: dict) -> list[str]:
    lines = [f"{Post._meta.get_field('title').verbose_name.capitalize()}: {revision.title}"]
    for name, label in labels.items():
        if name in revision.metadata:
            value = readable(name, revision.metadata[name], names)
            lines.append(f"{label.capitalize()}: {value}")
    return [*lines, "", *revision.content.splitlines()]


def revisions_diff(old: Revision, new: Revision, context: int = 3) -> list[DiffLine]:
    """The lines that differ from old to new with `context` lines around each change."""
    labels, names = field_labels(), related_names([old, new])
    before, after = revision_lines(old, labels, names), revision_lines(new, labels, names)
    lines = []
    unified = difflib.unified_diff(before, after, n=context, lineterm="")
    for line in list(unified)[2:]:  # after the two file-name lines
        if line.startswith("@@"):
            lines.append(DiffLine("gap", "…"))
        elif line.startswith("+"):
            lines.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("removed", line[1:]))
        else:
            lines.append(DiffLine("same", line[1:]))
    return lines
