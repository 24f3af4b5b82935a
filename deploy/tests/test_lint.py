"""Static checks of the bundle: cfn-lint, checkov, shellcheck, systemd-analyze."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DEPLOY, REPO, STACK_ORDER, TEMPLATES, load_template

pytestmark = pytest.mark.deploy

BIN = Path(sys.executable).parent
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"


def is_shell_script(path):
    if path.suffix == ".sh":
        return True
    with path.open("rb") as file:
        first = file.readline()
    return first.startswith(b"#!") and first.rstrip().split(b"/")[-1].split()[-1] in {
        b"sh",
        b"bash",
    }


SHELL_SCRIPTS = sorted(
    path
    for path in [*DEPLOY.iterdir(), *(REPO / "scripts").iterdir(), REPO / ".ci" / "run"]
    if path.is_file() and is_shell_script(path)
)


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


@pytest.mark.parametrize("name", STACK_ORDER)
def test_template_passes_cfn_lint_with_informational_rules(name):
    result = run([BIN / "cfn-lint", "--include-checks", "I", "--", TEMPLATES / f"{name}.yaml"])
    assert result.returncode == 0, result.stdout + result.stderr


def checkov_results():
    if not CHECKOV.exists():
        message = f"{CHECKOV} is missing: make .venv-checkov/.deps"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    command = [CHECKOV, "--directory", TEMPLATES, "--framework", "cloudformation"]
    result = run(
        [*command, "--skip-download", "--output", "json"],
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["results"]


@pytest.fixture(scope="module")
def checkov():
    return checkov_results()


def test_checkov_finds_no_failed_check(checkov):
    failed = [(c["check_id"], c["resource"], c["file_path"]) for c in checkov["failed_checks"]]
    assert failed == []
    assert checkov["parsing_errors"] == []


def test_every_checkov_skip_gives_a_reason(templates):
    for name, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                assert skip["id"].startswith("CKV"), (name, logical_id)
                assert len(skip["comment"]) > 20, (name, logical_id, skip["id"])


def test_every_checkov_skip_is_still_needed(checkov, templates):
    used = {(c["resource"].split(".", 1)[1], c["check_id"]) for c in checkov["skipped_checks"]}
    declared = {
        (logical_id, skip["id"])
        for template in templates.values()
        for logical_id, resource in template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    assert declared - used == set()


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: str(p.relative_to(REPO)))
def test_shell_script_passes_shellcheck(script):
    result = run(["shellcheck", "--external-sources", script])
    assert result.returncode == 0, result.stdout


UNITS = sorted(path.name for path in (DEPLOY / "systemd").iterdir())


@pytest.mark.parametrize("name", UNITS)
def test_systemd_unit_passes_verify(tmp_path, name):
    # verify insists that ExecStart exists, so the units point at this checkout's venv.
    for path in (DEPLOY / "systemd").iterdir():
        unit = path.read_text().replace("/opt/cblog/venv", str(REPO / ".venv"))
        (tmp_path / path.name).write_text(unit.replace("/opt/cblog/current", str(REPO)))
    result = run(["systemd-analyze", "verify", tmp_path / name])
    assert result.returncode == 0, result.stderr
    assert "cblog" not in result.stderr, result.stderr


def test_expired_sessions_are_purged_daily_through_the_fleet_lock():
    service = (DEPLOY / "systemd" / "cblog-clearsessions.service").read_text()
    timer = (DEPLOY / "systemd" / "cblog-clearsessions.timer").read_text()
    assert "manage.py clearsessions_locked" in service
    assert "OnCalendar=*-*-* 03:17:00 UTC" in timer
    assert "RandomizedDelaySec" not in timer  # the instances meet at the lock together


def test_orphan_media_is_deleted_daily_by_one_instance_through_the_fleet_lock():
    service = (DEPLOY / "systemd" / "cblog-media-orphans.service").read_text()
    timer = (DEPLOY / "systemd" / "cblog-media-orphans.timer").read_text()
    bootstrap = (DEPLOY / "bootstrap.sh").read_text()
    assert "manage.py fleet_once media_orphans --delete" in service
    assert "Type=oneshot" in service and "User=cblog" in service
    assert "OnCalendar=*-*-* 04:17:00 UTC" in timer
    assert "RandomizedDelaySec" not in timer  # the instances meet at the lock together
    installed = bootstrap.split("for unit in", 1)[1].split("; do", 1)[0]
    enabled = bootstrap.split("systemctl enable", 1)[1].split("systemctl start", 1)[0]
    started = bootstrap.split("systemctl start", 1)[1].splitlines()[0]
    assert "cblog-media-orphans.service cblog-media-orphans.timer" in installed
    assert "cblog-media-orphans.timer" in enabled and "cblog-media-orphans.timer" in started


def test_the_worker_unit_runs_celery_beside_gunicorn_and_the_bootstrap_enables_it():
    unit = (DEPLOY / "systemd" / "cblog-worker.service").read_text()
    bootstrap = (DEPLOY / "bootstrap.sh").read_text()
    assert "/opt/cblog/venv/bin/celery --app cblog worker" in unit
    assert "User=cblog" in unit and "Restart=always" in unit
    assert "systemctl enable cblog.service cblog-worker.service" in bootstrap


def test_posts_published_without_their_announcement_are_swept_every_five_minutes():
    service = (DEPLOY / "systemd" / "cblog-announce.service").read_text()
    timer = (DEPLOY / "systemd" / "cblog-announce.timer").read_text()
    bootstrap = (DEPLOY / "bootstrap.sh").read_text()
    assert "manage.py announce_posts" in service
    assert "OnCalendar=*:0/5" in timer
    assert "cblog-announce.timer" in bootstrap


def test_systemd_unit_runs_gunicorn_hardened_as_its_own_user():
    lines = (DEPLOY / "systemd" / "cblog.service").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if "=" in line and line[0] != "#")
    assert settings["Type"] == "notify"
    assert settings["User"] == "cblog"
    assert settings["Restart"] == "on-failure"
    assert settings["EnvironmentFile"] == "/etc/cblog/cblog.env"
    assert "gunicorn --config /opt/cblog/current/deploy/gunicorn.conf.py" in settings["ExecStart"]
    for option in ("NoNewPrivileges", "PrivateTmp", "ProtectHome"):
        assert settings[option] == "true"
    assert settings["ProtectSystem"] == "strict"


def test_user_data_in_the_launch_template_is_deploy_user_data_sh():
    """app.yaml embeds deploy/user-data.sh (without its shebang) after the CBLOG_* lines."""
    template = load_template("app")
    user_data = template["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"][
        "UserData"
    ]["Fn::Base64"]["Fn::Join"][1]
    script = (DEPLOY / "user-data.sh").read_text()
    assert user_data[0] + user_data[2] == script


def test_user_data_starts_strict_and_ends_with_the_success_signal():
    lines = [line for line in (DEPLOY / "user-data.sh").read_text().splitlines() if line]
    assert "set -euo pipefail" in lines[:5]
    assert lines[-1] == "signal SUCCESS"
    assert any(line.startswith("trap on_exit EXIT") for line in lines)


def test_user_data_sets_every_variable_the_script_requires():
    template = load_template("app")
    preamble = template["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"][
        "UserData"
    ]["Fn::Base64"]["Fn::Join"][1][1]["Fn::Sub"][0]
    assigned = {line.split("=", 1)[0] for line in preamble.splitlines()}
    script = (DEPLOY / "user-data.sh").read_text()
    required = {word.strip(':"${?}') for word in script.split() if word.endswith(':?}"')}
    assert required == assigned


def test_every_template_parameter_is_described_and_grouped(templates):
    for name, template in templates.items():
        groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
        grouped = {p for group in groups for p in group["Parameters"]}
        assert grouped == set(template["Parameters"]), name
        for key, parameter in template["Parameters"].items():
            assert parameter.get("Description"), (name, key)


def test_every_output_is_exported_under_the_stack_name(templates):
    for name, template in templates.items():
        for key, output in template["Outputs"].items():
            if "Export" in output:
                assert output["Export"]["Name"] == {"Fn::Sub": f"${{AWS::StackName}}-{key}"}, name
