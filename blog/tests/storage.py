from django.core.files.storage import default_storage


def stored_files(folder=""):
    """Every object name under a folder of the default storage (local disk or S3)."""
    if folder and not default_storage.exists(folder) and not _is_s3():
        return set()
    dirs, files = default_storage.listdir(folder)
    names = {f"{folder}/{name}".lstrip("/") for name in files}
    for name in dirs:
        names |= stored_files(f"{folder}/{name}".lstrip("/"))
    return names


def _is_s3():
    return hasattr(default_storage, "bucket_name")
