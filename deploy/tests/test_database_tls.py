"""TLS to the database verifies identity: a private MariaDB that, like RDS, requires TLS.

The app's connection settings come from cblog/settings.py evaluated with the environment an
instance gets (DB_SSL_CA names the CA bundle the release ships).
"""

import os
import runpy

import pytest
import trustme
from django.db.utils import ConnectionHandler, OperationalError

from .conftest import REPO

pytestmark = [pytest.mark.deploy, pytest.mark.slow]


@pytest.fixture
def server(tls_mariadb):
    return tls_mariadb


@pytest.fixture(autouse=True)
def _connections_allowed(django_db_blocker):
    """These tests open their own connections to their own server, never the test database."""
    with django_db_blocker.unblock():
        yield


def database(**env):
    """The default database as cblog/settings.py builds it from this environment."""
    saved = dict(os.environ)
    os.environ.pop("DB_SSL_CA", None)
    os.environ.update(DB_USER="root", DB_PASSWORD="", DB_NAME="mysql", **env)
    try:
        fresh = runpy.run_path(str(REPO / "cblog" / "settings.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return ConnectionHandler({"default": fresh["DATABASES"]["default"]})["default"]


def cipher(connection):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
            return cursor.fetchone()[1]
    finally:
        connection.close()


def test_the_app_connects_over_tls_to_a_server_whose_certificate_names_the_host(server):
    connection = database(
        DB_HOST="localhost", DB_PORT=str(server["port"]), DB_SSL_CA=str(server["ca"])
    )
    assert cipher(connection)


def test_a_server_certificate_from_another_authority_is_refused(server, tmp_path):
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    connection = database(DB_HOST="localhost", DB_PORT=str(server["port"]), DB_SSL_CA=str(other))
    with pytest.raises(OperationalError, match="CERTIFICATE_VERIFY_FAILED"):
        cipher(connection)


def test_a_server_certificate_for_another_name_is_refused(server):
    # The certificate names "localhost"; the same server reached as 127.0.0.1 is not it.
    connection = database(
        DB_HOST="127.0.0.1", DB_PORT=str(server["port"]), DB_SSL_CA=str(server["ca"])
    )
    with pytest.raises(OperationalError, match=r"match|CERTIFICATE_VERIFY_FAILED"):
        cipher(connection)
