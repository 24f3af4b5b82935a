"""The environment file round-trips any printable value in systemd's EnvironmentFile syntax."""

import pytest

from deploy.cblog_env import dumps, loads

pytestmark = pytest.mark.deploy


@pytest.mark.parametrize("value", ["plain", "", 'qu"ote', "back\\slash", "$HOME ${X} `id`", "a'b"])
def test_values_round_trip_without_expansion(value):
    assert loads(dumps({"KEY": value})) == {"KEY": value}


def test_values_are_double_quoted_with_backslash_escapes():
    assert dumps({"B": 'say "hi"', "A": "c:\\"}) == 'A="c:\\\\"\nB="say \\"hi\\""\n'


def test_multi_line_values_are_refused():
    with pytest.raises(ValueError, match="lines"):
        dumps({"KEY": "one\ntwo"})


def test_malformed_lines_are_refused():
    with pytest.raises(ValueError, match="line 2"):
        loads('A="1"\nB=unquoted\n')
