"""deploy/user-data.sh run with stand-ins for the commands an EC2 instance has, to see what it calls."""

import re
import subprocess

import pytest

from .conftest import DEPLOY, load_template

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
    "CBLOG_CLOUDWATCH_AGENT_VERSION": "1.300072.0b1766",
}
AGENT_KEY = "937616F3450B7D806CBD9725D58167303B789C72"
# The slowest bootstrap.sh measured (deploy/README.md), and an allowance for the AWS CLI snap, the
# agent, the packages and the release download.
BOOTSTRAP_SECONDS = 240
DOWNLOADS_SECONDS = 120
# Each stand-in records its arguments; `apt-get` fails when told to.
STAND_IN = """#!/bin/bash
echo "$(basename "$0") $*" >>"$CALLS"
case "$(basename "$0") $*" in
  "curl "*api/token*) echo token ;;
  "curl "*instance-id*) echo i-0abc ;;
  "dpkg --print-architecture") echo arm64 ;;
  "gpg "*--verify*) [ -n "$BAD_SIGNATURE" ] || echo "[GNUPG:] VALIDSIG 1 2 3 4 5 6 7 8 9 $AGENT_KEY" ;;
  "apt-get "*) [ -z "$APT_FAILS" ] || exit 100 ;;
esac
"""


@pytest.fixture
def machine(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("apt-get", "snap", "aws", "curl", "dpkg", "tar", "gpg"):
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
        "AGENT_KEY": AGENT_KEY,
        "CBLOG_HOME": str(machine / "cblog"),
        "CBLOG_BOOT_LOG": str(machine / "boot.log"),
        **extra,
    }
    result = subprocess.run(
        ["bash", DEPLOY / "user-data.sh"], env=env, capture_output=True, text=True, check=False
    )
    return result, calls.read_text().splitlines() if calls.exists() else []


def test_apt_waits_for_the_dpkg_lock_and_retries_downloads(machine):
    # The boot then stops where the release should be: the stand-in tar unpacks nothing.
    _, calls = boot(machine, APT_FAILS="")
    apt = [line for line in calls if line.startswith("apt-get")]
    assert apt and all("DPkg::Lock::Timeout=600" in line for line in apt)
    assert all("Acquire::Retries=5" in line for line in apt)


def test_a_failure_signals_failure_and_ships_the_log(machine):
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


def test_the_pinned_agent_for_this_architecture_is_verified_before_it_is_installed(machine):
    _, calls = boot(machine)
    downloads = [line for line in calls if line.startswith("curl") and "cwagent" in line]
    version = VARIABLES["CBLOG_CLOUDWATCH_AGENT_VERSION"]
    assert f"/ubuntu/arm64/{version}/amazon-cloudwatch-agent.deb" in downloads[0]
    assert downloads[1].endswith(f"/ubuntu/arm64/{version}/amazon-cloudwatch-agent.deb.sig")
    verified = next(i for i, line in enumerate(calls) if "--verify" in line)
    installed = next(i for i, line in enumerate(calls) if "install -y /tmp/cwagent.deb" in line)
    assert verified < installed
    assert "DPkg::Lock::Timeout=600" in calls[installed]


def test_an_agent_without_a_good_signature_is_never_installed_and_the_boot_fails(machine):
    result, calls = boot(machine, BAD_SIGNATURE="1")
    assert result.returncode != 0
    assert not any("cwagent.deb" in line and line.startswith("apt-get") for line in calls)
    assert any("--status FAILURE" in line for line in calls)
    assert "no good signature by " + AGENT_KEY in result.stdout + result.stderr


def test_signals_rollout_pauses_and_grace_period_allow_the_boot_budget_plus_a_quarter():
    group = load_template("app")["Resources"]["Group"]
    script = (DEPLOY / "user-data.sh").read_text()
    lock_wait = int(re.search(r"DPkg::Lock::Timeout=(\d+)", script)[1])
    budget = lock_wait + BOOTSTRAP_SECONDS + DOWNLOADS_SECONDS
    allowed = {
        "signal": iso_seconds(group["CreationPolicy"]["ResourceSignal"]["Timeout"]),
        "rollout": iso_seconds(group["UpdatePolicy"]["AutoScalingRollingUpdate"]["PauseTime"]),
        "grace": int(group["Properties"]["HealthCheckGracePeriod"]),
    }
    assert allowed == dict.fromkeys(allowed, budget * 5 // 4)


def iso_seconds(duration):
    minutes = re.fullmatch(r"PT(\d+)M", duration)[1]
    return int(minutes) * 60
