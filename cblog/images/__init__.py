"""Images for every app: validation and renditions, the Image row, storage, form field, cleanup.

Apps depend on this package, never the reverse: it knows no owner model.
"""
