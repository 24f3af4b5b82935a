import logging
import sys

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

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
