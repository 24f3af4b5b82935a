"""The local stack, started once for the browser walks and the fault tests alike."""

import pytest

from scripts.stack import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """A private MariaDB, so that the fault tests may stop it without touching the shared one."""
    with Stack(tmp_path_factory.mktemp("stack"), private_db=True) as up:
        yield up
