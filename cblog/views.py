import logging
import sys

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def server_error(request):
    """The 500 page; a 503 with Retry-After when the database cannot be reached.

    Django calls this inside its exception handler, so any failure counts, including a session
    saved after the view. Both pages render without the database.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, DatabaseError) and not connection_usable():
        logger.warning("Database unavailable: %s", exception)
        connection.close()  # the next request opens a fresh connection
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponseServerError(render_to_string("500.html"))


def connection_usable():
    # A failed connect leaves no connection, and MySQL's is_usable() would raise on None.
    return connection.connection is not None and connection.is_usable()


@never_cache
def media_redirect(request, name):
    """/media/<name> when nothing in front serves it (S3 without CloudFront, as in the local
    stack): a redirect to a freshly signed URL, so that the stable /media/ URLs written into
    posts (cblog.images.public) load there too. In AWS, CloudFront answers /media/ first."""
    if not getattr(default_storage, "querystring_auth", False):
        raise Http404("Media files are served by the web server.")
    return HttpResponseRedirect(default_storage.url(name))
