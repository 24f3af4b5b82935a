"""The app's own database user, made by the custom resource's function against a MariaDB that
requires TLS like RDS, with its secrets in moto and CloudFormation's response URL on loopback."""

import json
import os
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pymysql
import pytest
import trustme

from deploy import database_user

from .conftest import REPO

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

APP_DATABASE = "cblog_app_db"


class Responses(BaseHTTPRequestHandler):
    received = []

    def do_PUT(self):
        length = int(self.headers["Content-Length"])
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def response_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Responses)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/response"
    server.shutdown()


@pytest.fixture
def secrets(aws_client, tls_mariadb, monkeypatch):
    """The master secret (root, no password, as the server was made) and the app user's."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_client("sts").meta.endpoint_url)
    monkeypatch.setenv("DB_SSL_CA", str(tls_mariadb["ca"]))
    monkeypatch.setattr(database_user, "_secrets", None)
    manager = aws_client("secretsmanager")
    suffix = os.urandom(4).hex()
    master = manager.create_secret(
        Name=f"master-{suffix}", SecretString=json.dumps({"username": "root", "password": ""})
    )["ARN"]
    user = manager.create_secret(
        Name=f"app-{suffix}",
        SecretString=json.dumps({"username": f"app_{suffix}", "password": f"first-{suffix}"}),
    )["ARN"]
    with root(tls_mariadb) as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS {APP_DATABASE}")
    return {"master": master, "user": user, "manager": manager}


def root(server, database=None):
    return connect(server, "root", "", database).cursor()


def connect(server, user, password, database=None):
    return pymysql.connect(
        host="localhost",
        port=server["port"],
        user=user,
        password=password,
        database=database,
        ssl={"ca": str(server["ca"]), "check_hostname": True},
        autocommit=True,
    )


def invoke(request_type, secrets, server, response_url, **changes):
    event = {
        "RequestType": request_type,
        "ResponseURL": response_url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/cblog-data/1",
        "RequestId": os.urandom(8).hex(),
        "LogicalResourceId": "AppDatabaseUser",
        "ResourceProperties": {
            "Host": "localhost",
            "Port": str(server["port"]),
            "DatabaseName": APP_DATABASE,
            "MasterSecretArn": secrets["master"],
            "UserSecretArn": secrets["user"],
        }
        | changes,
    }
    if request_type != "Create":
        event["PhysicalResourceId"] = user_of(secrets)["username"]
    Responses.received.clear()
    database_user.lambda_handler(event, None)
    (response,) = Responses.received
    assert response["RequestId"] == event["RequestId"]
    return response


def user_of(secrets):
    value = secrets["manager"].get_secret_value(SecretId=secrets["user"])["SecretString"]
    return json.loads(value)


def as_app(secrets, server, database=APP_DATABASE):
    user = user_of(secrets)
    return connect(server, user["username"], user["password"], database)


def error_code(statement, connection):
    with pytest.raises(pymysql.MySQLError) as refused, connection.cursor() as cursor:
        cursor.execute(statement)
    return refused.value.args[0]


def test_the_app_user_runs_every_migration_of_the_app(secrets, tls_mariadb, response_url):
    response = invoke("Create", secrets, tls_mariadb, response_url)
    assert response["Status"] == "SUCCESS", response["Reason"]
    user = user_of(secrets)
    assert response["PhysicalResourceId"] == user["username"]
    env = {
        **os.environ,
        "DB_HOST": "localhost",
        "DB_PORT": str(tls_mariadb["port"]),
        "DB_NAME": APP_DATABASE,
        "DB_USER": user["username"],
        "DB_PASSWORD": user["password"],
        "DB_SSL_CA": str(tls_mariadb["ca"]),
        "DJANGO_DEBUG": "1",
    }
    env.pop("REDIS_URL", None)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    with as_app(secrets, tls_mariadb).cursor() as cursor:
        cursor.execute("SELECT GET_LOCK('cblog-migrate', 1), RELEASE_LOCK('cblog-migrate')")
        assert cursor.fetchone() == (1, 1)


def test_the_app_user_reaches_nothing_outside_its_database(secrets, tls_mariadb, response_url):
    assert invoke("Create", secrets, tls_mariadb, response_url)["Status"] == "SUCCESS"
    connection = as_app(secrets, tls_mariadb)
    assert error_code("CREATE USER 'intruder'@'%' IDENTIFIED BY 'x'", connection) == 1227
    assert error_code("SELECT * FROM mysql.user", connection) == 1142
    assert error_code("CREATE DATABASE other_db", connection) == 1044
    assert error_code("SET GLOBAL max_connections = 10", connection) == 1227
    assert error_code(f"GRANT SELECT ON {APP_DATABASE}.* TO 'intruder'@'%'", connection) in (
        1044,
        1045,
        1410,
    )
    with pytest.raises(pymysql.MySQLError) as refused:
        as_app(secrets, tls_mariadb, database="mysql")
    assert refused.value.args[0] == 1044


def test_an_update_keeps_the_user_and_sets_the_secrets_new_password(
    secrets, tls_mariadb, response_url
):
    assert invoke("Create", secrets, tls_mariadb, response_url)["Status"] == "SUCCESS"
    old = user_of(secrets)
    changed = {**old, "password": "second-" + os.urandom(4).hex()}
    secrets["manager"].put_secret_value(SecretId=secrets["user"], SecretString=json.dumps(changed))
    response = invoke("Update", secrets, tls_mariadb, response_url)
    assert response["Status"] == "SUCCESS", response["Reason"]
    assert response["PhysicalResourceId"] == old["username"]
    as_app(secrets, tls_mariadb).close()
    with pytest.raises(pymysql.MySQLError) as refused:
        connect(tls_mariadb, old["username"], old["password"], APP_DATABASE)
    assert refused.value.args[0] == 1045


def test_delete_leaves_the_user_the_database_still_needs(secrets, tls_mariadb, response_url):
    assert invoke("Create", secrets, tls_mariadb, response_url)["Status"] == "SUCCESS"
    assert invoke("Delete", secrets, tls_mariadb, response_url)["Status"] == "SUCCESS"
    as_app(secrets, tls_mariadb).close()


def test_a_failure_reaches_cloudformation_with_its_reason(secrets, tls_mariadb, response_url):
    secrets["manager"].put_secret_value(
        SecretId=secrets["master"], SecretString=json.dumps({"username": "root", "password": "no"})
    )
    response = invoke("Create", secrets, tls_mariadb, response_url)
    assert response["Status"] == "FAILED"
    assert "Access denied" in response["Reason"]


def test_a_server_certificate_from_another_authority_is_refused(
    secrets, tls_mariadb, response_url, monkeypatch, tmp_path
):
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    monkeypatch.setenv("DB_SSL_CA", str(other))
    response = invoke("Create", secrets, tls_mariadb, response_url)
    assert response["Status"] == "FAILED"
    assert "CERTIFICATE_VERIFY_FAILED" in response["Reason"]


def test_the_package_runs_on_its_own_with_pymysql_and_the_ca_bundle(tmp_path, rds_ca_bundle):
    package = database_user.build(tmp_path, rds_ca_bundle.as_uri())
    assert package.name.startswith("database_user-")
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "lambda")
    assert {"database_user.py", "pymysql/__init__.py", database_user.CA_FILE} <= names
    assert (tmp_path / "lambda" / database_user.CA_FILE).read_text() == rds_ca_bundle.read_text()
    # Isolated: only the package on the path, as the Lambda runtime (which adds boto3) sees it.
    check = "import database_user, pymysql; print(database_user.HERE)"
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.'); {check}"],
        cwd=tmp_path / "lambda",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert database_user.build(tmp_path / "again", rds_ca_bundle.as_uri()).name == package.name
