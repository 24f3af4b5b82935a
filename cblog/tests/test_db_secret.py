"""The secret-reading MySQL backend against MariaDB on 127.0.0.1:3306 and moto's Secrets Manager."""

import json
import runpy
import secrets
import uuid
from pathlib import Path

import pymysql
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import ConnectionHandler, OperationalError

from cblog.db_mysql import base

SETTINGS = Path(__file__).resolve().parents[1] / "settings.py"


def settings_databases(monkeypatch, **environ):
    """DATABASES as cblog/settings.py derives it from these variables."""
    for name in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_SECRET_ARN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))["DATABASES"]


def mariadb_root():
    try:
        return pymysql.connect(host="127.0.0.1", port=3306, user="root", connect_timeout=2)
    except pymysql.OperationalError as error:
        pytest.skip(
            f"MariaDB does not answer on 127.0.0.1:3306 as root (scripts/start-mariadb): {error}"
        )


@pytest.fixture
def mariadb_user():
    """A user with its own database, dropped afterwards; yields (name, set_password)."""
    root = mariadb_root()
    name = f"cblog_rot_{uuid.uuid4().hex[:8]}"
    cursor = root.cursor()

    def set_password(password):
        cursor.execute("ALTER USER %s@'%%' IDENTIFIED BY %s", [name, password])

    cursor.execute(f"CREATE DATABASE {name}")
    cursor.execute("CREATE USER %s@'%%' IDENTIFIED BY %s", [name, secrets.token_hex(8)])
    cursor.execute(f"GRANT ALL ON {name}.* TO %s@'%%'", [name])
    try:
        yield name, set_password
    finally:
        cursor.execute("DROP USER IF EXISTS %s@'%%'", [name])
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        root.close()


@pytest.fixture
def secret(aws_client, moto_server, monkeypatch):
    """A moto secret the backend reads through a fresh client and cache; yields (arn, put)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setattr(base, "_client", None)
    monkeypatch.setattr(base, "_cache", {})
    client = aws_client("secretsmanager")
    arn = client.create_secret(Name=f"cblog-rot-{uuid.uuid4().hex[:8]}", SecretString="{}")["ARN"]

    def put(value):
        client.put_secret_value(SecretId=arn, SecretString=value)

    yield arn, put
    client.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


@pytest.fixture
def connect(monkeypatch, django_db_blocker, mariadb_user, secret):
    """Opens a new connection as settings.py configures it for the secret; returns CURRENT_USER()."""
    name, _ = mariadb_user
    arn, _ = secret
    databases = settings_databases(
        monkeypatch, DB_HOST="127.0.0.1", DB_PORT="3306", DB_NAME=name, DB_SECRET_ARN=arn
    )

    def open_and_query():
        connection = ConnectionHandler(databases)["default"]
        try:
            with django_db_blocker.unblock(), connection.cursor() as cursor:
                cursor.execute("SELECT 1, CURRENT_USER()")
                one, user = cursor.fetchone()
                assert one == 1
                return user.split("@")[0]
        finally:
            connection.close()

    return open_and_query


def use_password(mariadb_user, secret, password):
    name, set_password = mariadb_user
    _, put = secret
    set_password(password)
    put(json.dumps({"username": name, "password": password}))


@pytest.mark.parametrize(
    ("environ", "engine"),
    [
        ({"DB_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:db"}, "cblog.db_mysql"),
        ({"DB_PASSWORD": "pw"}, "django.db.backends.mysql"),
        (
            {"DB_PASSWORD": "pw", "DB_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:db"},
            "django.db.backends.mysql",
        ),
    ],
)
def test_settings_use_the_secret_backend_only_for_a_secret_without_a_password(
    monkeypatch, environ, engine
):
    databases = settings_databases(monkeypatch, DB_HOST="db.internal", **environ)
    assert databases["default"]["ENGINE"] == engine


def test_a_connection_logs_in_with_the_credentials_in_the_secret(connect, mariadb_user, secret):
    use_password(mariadb_user, secret, secrets.token_hex(12))
    assert connect() == mariadb_user[0]


def test_a_rotated_password_is_fetched_again_when_mysql_refuses_the_cached_one(
    connect, mariadb_user, secret
):
    use_password(mariadb_user, secret, secrets.token_hex(12))
    connect()  # the cache now holds the old password, fresh for five minutes
    rotated = secrets.token_hex(12)
    use_password(mariadb_user, secret, rotated)
    assert connect() == mariadb_user[0]
    assert base._cache[secret[0]][1]["password"] == rotated


def test_a_secret_mysql_refuses_fails_with_an_error_naming_the_secret(
    connect, mariadb_user, secret
):
    name, set_password = mariadb_user
    set_password(secrets.token_hex(12))
    secret[1](json.dumps({"username": name, "password": "not-the-password"}))
    with pytest.raises(OperationalError, match=r"Access denied.*credentials from secret arn:"):
        connect()


def test_a_secret_without_username_and_password_is_refused_clearly(connect, secret):
    secret[1]("not json")
    with pytest.raises(ImproperlyConfigured, match="must be JSON with username and password"):
        connect()
