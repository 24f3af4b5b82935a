"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.db import IntegrityError, OperationalError
from django.urls import path

from cblog.urls import handler500  # noqa: F401  (the error pages under test)
from cblog.urls import urlpatterns as site_urlpatterns
from users.models import User


def server_error(request):
    raise RuntimeError("A bug in a view")


def database_query(request):
    User.objects.exists()
    raise AssertionError("The query was expected to fail")


def connection_lost(request):
    raise OperationalError("Lost connection to server during query")


def integrity_error(request):
    raise IntegrityError("UNIQUE constraint failed")


urlpatterns = [
    path("test/server-error/", server_error),
    path("test/database-query/", database_query),
    path("test/connection-lost/", connection_lost),
    path("test/integrity-error/", integrity_error),
    *site_urlpatterns,
]
