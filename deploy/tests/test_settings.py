"""Production settings behind CloudFront and the load balancer pass Django's deployment checks."""

import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command

from .conftest import REPO

pytestmark = pytest.mark.deploy


def test_check_deploy_passes_with_production_environment(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "blog.example.com",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://blog.example.com",
        "SITE_DOMAIN": "blog.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_migrate_locked_just_migrates_on_sqlite(capsys):
    call_command("migrate_locked", "--noinput")
    assert "No migrations to apply" in capsys.readouterr().out
