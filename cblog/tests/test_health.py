import contextlib
import time

import pytest
from django.db import DatabaseError, OperationalError, connection, connections

LOAD_BALANCER_HOST = "10.0.3.17"


@pytest.fixture
def database_down(monkeypatch):
    """Every new connection attempt fails, as when the database server cannot be reached."""

    def refuse(self):
        raise OperationalError("(2003) Can't connect to MySQL server on 'db' (111)")

    # Patched on the class so that undoing it leaves no attribute behind on the connection.
    monkeypatch.setattr(type(connections["default"]), "ensure_connection", refuse)
    # No open connection, as after a failed connect (the test run keeps one open otherwise).
    monkeypatch.setattr(connections["default"], "connection", None)


@pytest.fixture
def dead_connection(transactional_db):
    """The open connection killed by the server, as after a failover or wait_timeout: the client
    still holds it, and only its next query finds out. Needs MySQL (make test-mariadb)."""
    if connection.vendor != "mysql":
        pytest.skip("the server kills a connection only on MySQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        (connection_id,) = cursor.fetchone()
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("KILL %s", [connection_id])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s",
                    [connection_id],
                )
                if cursor.fetchone() == (0,):
                    break
                time.sleep(0.05)
    finally:
        killer.close()
    yield
    with contextlib.suppress(DatabaseError):  # a test that leaves it dead; flush reconnects
        connection.close()


@pytest.fixture
def connection_unusable(monkeypatch):
    monkeypatch.setattr(type(connections["default"]), "is_usable", lambda self: False)


class RaisingStream:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("The request body was read")

    readline = read


# Liveness and readiness


def test_liveness_answers_any_host_without_a_database_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/", HTTP_HOST=LOAD_BALANCER_HOST)

    assert response.status_code == 200
    assert response.text == "ok"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_other_paths_refuse_a_host_that_is_not_allowed(client):
    assert client.get("/", HTTP_HOST=LOAD_BALANCER_HOST).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz/", "/readyz/"])
def test_health_checks_answer_plain_http_when_https_redirect_is_on(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(path, HTTP_HOST=LOAD_BALANCER_HOST)

    assert response.status_code == 200


@pytest.mark.django_db
def test_other_paths_redirect_to_https_when_https_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_liveness_answers_while_the_database_is_down(client, database_down):
    assert client.get("/healthz/", HTTP_HOST=LOAD_BALANCER_HOST).status_code == 200


@pytest.mark.django_db
def test_readiness_is_200_when_the_database_answers(client):
    response = client.get("/readyz/", HTTP_HOST=LOAD_BALANCER_HOST)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_readiness_is_503_when_the_database_does_not_answer(client, database_down):
    response = client.get("/readyz/", HTTP_HOST=LOAD_BALANCER_HOST)

    assert response.status_code == 503
    assert response["Cache-Control"] == "no-store"


def test_readiness_queries_the_database_so_a_dead_open_connection_is_503(client, dead_connection):
    response = client.get("/readyz/", HTTP_HOST=LOAD_BALANCER_HOST)

    assert response.status_code == 503


def test_readiness_drops_a_dead_connection_so_the_next_check_reconnects(client, dead_connection):
    client.get("/readyz/", HTTP_HOST=LOAD_BALANCER_HOST)

    response = client.get("/readyz/", HTTP_HOST=LOAD_BALANCER_HOST)

    assert response.status_code == 200


# Request size limit


@pytest.mark.parametrize(
    ("declared", "status"), [(101, 413), (10**12, 413)], ids=["just-over", "huge"]
)
def test_a_request_declaring_a_body_over_the_limit_gets_413_without_reading_it(
    client, settings, declared, status
):
    settings.MAX_REQUEST_BYTES = 100

    response = client.generic(
        "POST",
        "/post/new/",
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": RaisingStream()},
    )

    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert "File too large" in response.text


@pytest.mark.django_db
def test_a_request_at_the_limit_is_let_through(client, settings):
    settings.MAX_REQUEST_BYTES = 100

    response = client.post("/users/login/", "u" * 100, content_type="text/plain")

    assert response.status_code == 200


# Database unavailable


@pytest.mark.urls("cblog.tests.urls_for_errors")
def test_a_view_whose_database_cannot_be_reached_gets_the_friendly_503(client, database_down):
    client.raise_request_exception = False

    response = client.get("/test/database-query/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in response.text


@pytest.mark.django_db
@pytest.mark.urls("cblog.tests.urls_for_errors")
def test_a_connection_lost_during_a_view_gets_the_friendly_503(client, connection_unusable):
    client.raise_request_exception = False

    response = client.get("/test/connection-lost/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in response.text


@pytest.mark.urls("cblog.tests.urls_for_errors")
def test_a_view_on_a_dead_connection_gets_the_503_and_the_next_request_reconnects(
    client, dead_connection
):
    client.raise_request_exception = False

    failed = client.get("/test/database-query/")
    response = client.get("/")

    assert failed.status_code == 503
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.urls("cblog.tests.urls_for_errors")
def test_a_database_error_on_a_working_connection_is_a_500_not_a_503(client):
    client.raise_request_exception = False

    response = client.get("/test/integrity-error/")

    assert response.status_code == 500


# Error pages and robots.txt


@pytest.mark.django_db
def test_unknown_page_gets_the_friendly_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Page not found" in response.text
    assert 'href="/"' in response.text


@pytest.mark.django_db
@pytest.mark.urls("cblog.tests.urls_for_errors")
def test_a_failing_view_gets_the_friendly_500_page(client):
    client.raise_request_exception = False

    response = client.get("/test/server-error/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "RuntimeError" not in response.text


@pytest.mark.django_db
def test_robots_txt_disallows_admin_and_lists_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
