"""TLS to the database verifies identity: a private MariaDB that, like RDS, requires TLS.

The app's connection settings come from cblog/settings.py evaluated with the environment an
instance gets (DB_SSL_CA names the CA bundle the release ships).
"""

import os
import runpy
import shutil
import signal
import socket
import subprocess

import pytest
import trustme
from django.db.utils import ConnectionHandler, OperationalError

from scripts.ports import free_port
from scripts.stack.processes import wait_for

from .conftest import REPO

pytestmark = [pytest.mark.deploy, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """mariadbd with a certificate for "localhost" from its own CA, refusing plain connections."""
    if not shutil.which("mariadbd", path="/usr/sbin:/usr/bin"):
        pytest.skip("mariadbd is not installed (scripts/start-mariadb)")
    folder = tmp_path_factory.mktemp("tls-db")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    served = ca.issue_cert("localhost")
    served.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    served.private_key_pem.write_to_path(str(folder / "key.pem"))
    subprocess.run(
        ["/usr/bin/mariadb-install-db", "--no-defaults", f"--datadir={folder / 'data'}",
         "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db"],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    process = subprocess.Popen(
        ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={folder / 'data'}", "--user=root",
         f"--socket={folder / 'mariadb.sock'}", f"--port={port}", "--bind-address=127.0.0.1",
         "--skip-log-bin", "--innodb-buffer-pool-size=16M", "--require-secure-transport=ON",
         f"--ssl-ca={folder / 'ca.pem'}", f"--ssl-cert={folder / 'cert.pem'}",
         f"--ssl-key={folder / 'key.pem'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: port_open(port), "TLS MariaDB")
        yield {"port": port, "ca": folder / "ca.pem"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


@pytest.fixture(autouse=True)
def _connections_allowed(django_db_blocker):
    """These tests open their own connections to their own server, never the test database."""
    with django_db_blocker.unblock():
        yield


def port_open(port):
    with socket.create_connection(("127.0.0.1", port), 1):
        return True


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
