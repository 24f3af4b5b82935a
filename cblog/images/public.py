"""URLs of stored images that other sites keep (feeds, Open Graph): stable, never presigned."""

from django.conf import settings


def public_url(file) -> str:
    """The URL a feed reader or a link preview may keep: the storage's own when it is public,
    else the site's /media/ path, which CloudFront serves from the bucket.

    A presigned S3 link expires within the hour and changes on every render, so it is never
    given to anyone who stores it.
    """
    if getattr(file.storage, "querystring_auth", False):
        return f"{settings.MEDIA_URL}{file.name}"
    return file.url
