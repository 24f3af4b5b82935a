from django.core.files.storage import default_storage

from cblog.images.management.commands.media_orphans import stored_names


def stored_files(folder=""):
    """Every object name under a folder of the default storage (local disk or S3)."""
    return set(stored_names(default_storage, folder))
