"""deploy/user-data.sh run with stand-ins for the commands an EC2 instance has, to see what it calls."""

import subprocess

import pytest

from .conftest import DEPLOY

pytestmark = pytest.mark.deploy

VARIABLES = {
    "CBLOG_STACK": "cblog-app",
    "CBLOG_RESOURCE": "Group",
    "CBLOG_REGION": "eu-south-2",
    "CBLOG_LOG_GROUP": "cblog-app-LogGroup",
    "CBLOG_ARTIFACT_BUCKET": "artifacts",
    "CBLOG_RELEASE_KEY": "releases/cblog-v1.tar.gz",
    "CBLOG_SSM_PATH": "/cblog/cblog-app/",
    "CBLOG_DB_SECRET_ARN": "arn:db",
    "CBLOG_SECRET_KEY_ARN": "arn:key",
}
# Each stand-in records its arguments; `apt-get` fails when told to.
STAND_IN = """#!/bin/bash
echo "$(basename "$0") $*" >>"$CALLS"
case "$(basename "$0") $*" in
  "curl "*api/token*) echo token ;;
  "curl "*instance-id*) echo i-0abc ;;
  "apt-get "*) [ -z "$APT_FAILS" ] || exit 100 ;;
esac
"""


@pytest.fixture
def machine(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("apt-get", "snap", "aws", "curl", "dpkg", "tar"):
        path = bin_dir / name
        path.write_text(STAND_IN)
        path.chmod(0o755)
    return tmp_path


def boot(machine, **extra):
    calls = machine / "calls"
    env = {
        **VARIABLES,
        "PATH": f"{machine / 'bin'}:/usr/bin:/bin",
        "CALLS": str(calls),
        "CBLOG_CFN_BOOTSTRAP": str(machine / "cfn-bootstrap"),
        "CBLOG_HOME": str(machine / "cblog"),
        "CBLOG_BOOT_LOG": str(machine / "boot.log"),
        **extra,
    }
    result = subprocess.run(
        ["bash", DEPLOY / "user-data.sh"], env=env, capture_output=True, text=True, check=False
    )
    return result, calls.read_text().splitlines() if calls.exists() else []


def test_apt_waits_for_the_dpkg_lock_and_retries_downloads(machine):
    # The boot then stops at the next step: no venv can be made where a file stands.
    blocker = machine / "not-a-folder"
    blocker.write_text("")
    _, calls = boot(machine, APT_FAILS="", CBLOG_CFN_BOOTSTRAP=str(blocker))
    apt = [line for line in calls if line.startswith("apt-get")]
    assert apt and all("DPkg::Lock::Timeout=600" in line for line in apt)
    assert all("Acquire::Retries=5" in line for line in apt)


def test_a_failure_before_cfn_signal_is_installed_still_signals_failure_and_ships_the_log(
    machine,
):
    result, calls = boot(machine, APT_FAILS="1")

    assert result.returncode == 100
    signal = next(line for line in calls if line.startswith("aws cloudformation signal-resource"))
    assert "--status FAILURE" in signal
    assert "--unique-id i-0abc" in signal
    assert "--stack-name cblog-app" in signal and "--logical-resource-id Group" in signal
    shipped = next(line for line in calls if line.startswith("aws logs put-log-events"))
    assert "--log-group-name cblog-app-LogGroup" in shipped
    assert "--log-stream-name i-0abc/boot-failure" in shipped
    assert "user-data failed with status 100" in (machine / "boot.log").read_text()


def test_the_aws_cli_comes_before_anything_that_needs_apt(machine):
    (machine / "bin" / "aws").unlink()
    _, calls = boot(machine, APT_FAILS="1")
    commands = [line.split()[0] for line in calls]
    assert commands.index("snap") < commands.index("apt-get")
