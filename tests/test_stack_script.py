"""The stack's configuration, checked without starting it."""

import subprocess

from scripts.stack import Stack
from scripts.stack.balancer import HAPROXY


def test_two_stacks_on_one_server_get_databases_of_their_own(tmp_path):
    first, second = Stack(tmp_path / "one"), Stack(tmp_path / "two")

    assert first.db_name != second.db_name
    assert first.db_name.startswith("cblog_stack_")


def test_the_balancer_configuration_is_accepted_by_haproxy(tmp_path):
    config = tmp_path / "haproxy.cfg"
    config.write_text(Stack(tmp_path).haproxy_config())

    result = subprocess.run([HAPROXY, "-c", "-f", config], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
