"""Revisions of posts: every save keeps one; the author lists, compares and restores them.

A small model rather than django-simple-history or django-reversion: a revision is written by
blog.services in the transaction that saves the post, it holds only what an author edits, and
pruning autosaves is one query. Both libraries record every model save through signals or their
own context, and neither prunes by kind.
"""
