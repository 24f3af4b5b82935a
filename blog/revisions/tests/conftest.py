import pytest

from blog.tests.conftest import draft, post  # noqa: F401


@pytest.fixture
def writer(client, user):
    client.force_login(user)
    return client
