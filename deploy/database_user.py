"""The app's own MySQL user, made by a CloudFormation custom resource (data.yaml).

The instances connect as this user, never as the RDS master user: it may change the tables of the
app's database and nothing else (no other database, no users, no server settings). The function
runs inside the VPC, reads the master secret and the user's secret, and over TLS verified against
the RDS CA bundle shipped beside it creates the user if it is missing, sets its password from the
secret and grants its rights. CloudFormation sends each create or update once, so no two writers
race; every statement is idempotent, so a retried request changes nothing more.

    python -m deploy.database_user dist/     # writes dist/database_user-<sha256>.zip
"""

import hashlib
import json
import os
import re
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

# What Django needs to migrate and serve one database.
PRIVILEGES = (
    "SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, "
    "CREATE TEMPORARY TABLES, LOCK TABLES"
)
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
HERE = Path(__file__).resolve().parent
CA_FILE = "rds-ca-bundle.pem"
_secrets = None


def secret(arn):
    global _secrets
    if _secrets is None:
        import boto3

        _secrets = boto3.client("secretsmanager", region_name=arn.split(":")[3])
    return json.loads(_secrets.get_secret_value(SecretId=arn)["SecretString"])


def connect(properties, master):
    import pymysql

    ca = os.environ.get("DB_SSL_CA") or str(HERE / CA_FILE)
    return pymysql.connect(
        host=properties["Host"],
        port=int(properties["Port"]),
        user=master["username"],
        password=master["password"],
        ssl={"ca": ca, "check_hostname": True},
        connect_timeout=10,
        autocommit=True,
    )


def ensure_user(properties):
    """Creates or updates the user from its secret; returns the user name."""
    user = secret(properties["UserSecretArn"])
    database = properties["DatabaseName"]
    for name in (user["username"], database):
        if not NAME.match(name):
            raise ValueError(f"{name!r} is not a plain MySQL name")
    connection = connect(properties, secret(properties["MasterSecretArn"]))
    name, password = user["username"], user["password"]
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s REQUIRE SSL", [name, password]
            )
            cursor.execute("ALTER USER %s@'%%' IDENTIFIED BY %s REQUIRE SSL", [name, password])
            cursor.execute(f"GRANT {PRIVILEGES} ON `{database}`.* TO %s@'%%'", [name])
    finally:
        connection.close()
    return name


def respond(event, status, physical_id, reason=""):
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:1000] or status,
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
        }
    ).encode()
    # CloudFormation's presigned https URL (tests: a loopback server).
    url, headers = event["ResponseURL"], {"Content-Type": ""}
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310
        pass


def lambda_handler(event, context):
    physical_id = event.get("PhysicalResourceId") or "database-user"
    try:
        # The user outlives the resource: the database (and its final snapshot) keeps it, and a
        # replaced resource of the same name must not drop the user the app is using.
        if event["RequestType"] != "Delete":
            physical_id = ensure_user(event["ResourceProperties"])
    except Exception as error:
        print(f"failed: {error!r}")
        respond(event, "FAILED", physical_id, f"{type(error).__name__}: {error}")
        return
    respond(event, "SUCCESS", physical_id)


# Packaging: this module, PyMySQL (pure Python, the version the app pins) and the CA bundle.
EPOCH = (1980, 1, 1, 0, 0, 0)
MODE = 0o100644 << 16


def build(folder: Path, ca_url: str) -> Path:
    import pymysql

    from deploy.release import add_rds_ca

    files = {"database_user.py": Path(__file__)}
    package = Path(pymysql.__file__).parent
    for path in sorted(package.rglob("*.py")):
        files[f"pymysql/{path.relative_to(package)}"] = path
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "deploy").mkdir()
        files[CA_FILE] = add_rds_ca(Path(scratch), ca_url)
        content = {name: path.read_bytes() for name, path in files.items()}
    digest = hashlib.sha256()
    for name, data in sorted(content.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    Path(folder).mkdir(parents=True, exist_ok=True)
    output = Path(folder) / f"database_user-{digest.hexdigest()[:16]}.zip"
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(content.items()):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.external_attr = MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    return output


if __name__ == "__main__":
    from deploy.release import RDS_CA_URL

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    print(build(folder, os.environ.get("RDS_CA_BUNDLE_URL") or RDS_CA_URL))
