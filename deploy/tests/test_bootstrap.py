"""deploy/bootstrap.sh on this machine: MariaDB for RDS, moto for SSM, Secrets Manager and S3.

The release is this work tree copied to a temp folder with a wheelhouse for this machine's Python,
as `make release` would unpack it; pip runs without its configuration, as on a fresh instance.
"""

import os
import platform
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import AWS_REGION
from deploy import release as releases
from deploy.cblog_env import dumps, loads
from scripts.ports import free_port

from .conftest import REPO

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

DOMAIN = "blog.example.com"
SSM_PATH = "/cblog/bootstrap-test/"


def mariadb(statement):
    return subprocess.run(
        ["mariadb", "--host=127.0.0.1", "--port=3306", "--user=root", "-e", statement],
        capture_output=True,
        text=True,
        check=False,
    )


def fresh_database():
    if shutil.which("mariadb") is None or mariadb("SELECT 1").returncode != 0:
        message = "MariaDB does not answer on 127.0.0.1:3306 (scripts/start-mariadb)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"cblog_bootstrap_{uuid.uuid4().hex[:8]}"
    created = mariadb(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    assert created.returncode == 0, created.stderr
    return name


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The work tree's files (tracked and new, not ignored), as an unpacked release."""
    app = tmp_path_factory.mktemp("release") / "app"
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        source = REPO / name
        if source.is_file():
            (app / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, app / name)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    releases.add_wheelhouse(app, [releases.Target(python, platform.machine())])
    return app


@pytest.fixture(scope="module")
def inputs(aws_client, moto_server, release, tmp_path_factory):
    """Seeds the settings and secrets the stacks would create; returns bootstrap's environment."""
    database = fresh_database()
    aws_client("s3").create_bucket(Bucket="cblog-bootstrap-media")
    settings = {
        "DJANGO_ALLOWED_HOSTS": DOMAIN,
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{DOMAIN}",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": "3306",
        "DB_NAME": database,
        "AWS_STORAGE_BUCKET_NAME": "cblog-bootstrap-media",
        "AWS_S3_REGION_NAME": AWS_REGION,
        "AWS_S3_ENDPOINT_URL": moto_server,
        "FORWARDED_ALLOW_IPS": "10.10.0.0/16",
    }
    ssm = aws_client("ssm")
    for name, value in settings.items():
        ssm.put_parameter(Name=SSM_PATH + name, Type="String", Value=value, Overwrite=True)
    secrets_manager = aws_client("secretsmanager")
    db_secret = secrets_manager.create_secret(
        Name=f"bootstrap-db-{database}", SecretString='{"username": "root", "password": ""}'
    )["ARN"]
    key_secret = secrets_manager.create_secret(
        Name=f"bootstrap-key-{database}", SecretString=secrets.token_hex(32)
    )["ARN"]
    root = tmp_path_factory.mktemp("machine")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(root)),
        **{k: v for k, v in os.environ.items() if k.startswith("AWS_") and "ENDPOINT" not in k},
        "AWS_ENDPOINT_URL": moto_server,
        "CBLOG_APP_DIR": str(release),
        "CBLOG_VENV": str(root / "venv"),
        "CBLOG_ENV_FILE": str(root / "etc" / "cblog.env"),
        "CBLOG_UNIT_DIR": str(root / "systemd"),
        "CBLOG_MANAGE_SYSTEM": "0",
        "CBLOG_REGION": AWS_REGION,
        "CBLOG_PRIVATE_IP": "127.0.0.1",
        "CBLOG_SSM_PATH": SSM_PATH,
        "CBLOG_DB_SECRET_ARN": db_secret,
        "CBLOG_SECRET_KEY_ARN": key_secret,
        "CBLOG_REQUIRE_WHEELHOUSE": "1",
        # No index, no find-links: only the wheelhouse can satisfy pip.
        "PIP_CONFIG_FILE": os.devnull,
    }
    yield env
    mariadb(f"DROP DATABASE IF EXISTS {database}")


def bootstrap(env, *steps):
    return subprocess.run(
        [str(REPO / "deploy" / "bootstrap.sh"), *steps],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def installed(inputs):
    result = bootstrap(inputs)
    assert result.returncode == 0, result.stdout + result.stderr
    return inputs


def get(url, host):
    """A request as the load balancer forwards it: plain HTTP, the viewer's Host, proto https."""
    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def gunicorn(installed):
    """gunicorn started exactly as the generated unit's ExecStart says, with its environment."""
    unit = (installed["CBLOG_UNIT_DIR"] + "/cblog.service").replace("//", "/")
    settings = dict(
        line.split("=", 1)
        for line in Path(unit).read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        **{k: v for k, v in installed.items() if k.startswith("AWS_")},
        **loads(Path(settings["EnvironmentFile"]).read_text()),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    process = subprocess.Popen(
        shlex.split(settings["ExecStart"]),
        cwd=settings["WorkingDirectory"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if get(f"{base}/healthz/", "10.10.1.23")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_bootstrap_writes_the_environment_from_parameters_and_secrets(installed):
    values = loads(Path(installed["CBLOG_ENV_FILE"]).read_text())
    assert values["DB_SECRET_ARN"] == installed["CBLOG_DB_SECRET_ARN"]
    assert "DB_PASSWORD" not in values
    assert len(values["DJANGO_SECRET_KEY"]) == 64
    assert values["DJANGO_ALLOWED_HOSTS"] == f"{DOMAIN},127.0.0.1"
    assert values["FORWARDED_ALLOW_IPS"] == "10.10.0.0/16"
    assert oct(os.stat(installed["CBLOG_ENV_FILE"]).st_mode & 0o777) == "0o640"


def test_bootstrap_migrates_the_database(installed):
    tables = mariadb(f"SHOW TABLES FROM {installed_database(installed)}").stdout
    assert "django_migrations" in tables and "django_session" in tables


def installed_database(env):
    return loads(Path(env["CBLOG_ENV_FILE"]).read_text())["DB_NAME"]


def test_bootstrap_installs_the_unit_with_this_release_paths(installed):
    unit = Path(installed["CBLOG_UNIT_DIR"] + "/cblog.service").read_text()
    assert f"EnvironmentFile={installed['CBLOG_ENV_FILE']}" in unit
    assert f"{installed['CBLOG_VENV']}/bin/gunicorn --config " in unit
    assert f"{installed['CBLOG_APP_DIR']}/deploy/gunicorn.conf.py" in unit


def run_installed_job(installed, unit_name):
    """Runs an installed oneshot unit's ExecStart as systemd would: its folder, its environment."""
    unit = Path(installed["CBLOG_UNIT_DIR"] + "/" + unit_name).read_text()
    settings = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line[:40])
    env = {
        "PATH": os.environ["PATH"],
        **{k: v for k, v in installed.items() if k.startswith("AWS_")},
        **loads(Path(settings["EnvironmentFile"]).read_text()),
    }
    result = subprocess.run(
        shlex.split(settings["ExecStart"]),
        cwd=settings["WorkingDirectory"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_installed_session_purge_runs_on_the_database(installed):
    assert "Expired sessions purged." in run_installed_job(installed, "cblog-clearsessions.service")


def test_the_installed_media_cleanup_runs_on_the_database_and_the_bucket(installed):
    output = run_installed_job(installed, "cblog-media-orphans.service")
    assert "0 orphan objects, 0 missing objects, 0 unused uploads; deleted 0" in output


def test_gunicorn_from_the_unit_answers_health_checks_by_any_host(gunicorn):
    assert get(f"{gunicorn}/healthz/", "10.10.1.23") == (200, "ok")
    assert get(f"{gunicorn}/readyz/", "10.10.1.23") == (200, "ok")


def test_gunicorn_from_the_unit_serves_the_home_page_for_the_site_domain(gunicorn):
    status, body = get(f"{gunicorn}/", DOMAIN)
    assert status == 200, body[:2000]
    assert "<html" in body.lower()


def test_two_instances_booting_at_once_migrate_exactly_once(installed, tmp_path):
    database = fresh_database()
    values = loads(Path(installed["CBLOG_ENV_FILE"]).read_text())
    env_file = tmp_path / "cblog.env"
    env_file.write_text(dumps({**values, "DB_NAME": database}))
    env = {**installed, "CBLOG_ENV_FILE": str(env_file)}
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda _: bootstrap(env, "migrate"), range(2)))
        for result in results:
            assert result.returncode == 0, result.stdout + result.stderr
        applied = ["Applying " in result.stdout for result in results]
        assert sorted(applied) == [False, True]
        assert any("No migrations to apply" in result.stdout for result in results)
    finally:
        mariadb(f"DROP DATABASE IF EXISTS {database}")


def test_the_venv_holds_exactly_the_locked_packages(installed):
    lock = Path(installed["CBLOG_APP_DIR"]) / "wheelhouse" / releases.LOCK
    pins = {line.split()[0].lower() for line in lock.read_text().splitlines() if "==" in line}
    frozen = subprocess.run(
        [f"{installed['CBLOG_VENV']}/bin/pip", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert {line.lower().replace("_", "-") for line in frozen.split()} == {
        pin.replace("_", "-") for pin in pins
    }


def test_a_wheel_that_does_not_match_its_hash_is_refused(inputs, release, tmp_path):
    tampered = tmp_path / "app"
    shutil.copytree(release, tampered)
    wheel = next((tampered / "wheelhouse").glob("django-*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    env = {**inputs, "CBLOG_APP_DIR": str(tampered), "CBLOG_VENV": str(tmp_path / "venv")}
    result = bootstrap(env, "create_venv", "install_requirements")
    assert result.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in result.stdout + result.stderr
    assert not list((tmp_path / "venv").glob("lib/python*/site-packages/django"))


def test_a_release_without_a_wheelhouse_is_refused_on_an_instance(inputs, tmp_path):
    env = {**inputs, "CBLOG_APP_DIR": str(REPO), "CBLOG_VENV": str(tmp_path / "venv")}
    result = bootstrap(env, "create_venv", "install_requirements")
    assert result.returncode == 1
    assert "has no wheelhouse" in result.stderr
