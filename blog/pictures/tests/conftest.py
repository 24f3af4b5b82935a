import os

import pytest
from django.test.utils import override_settings

from blog.tests.conftest import post  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_media(request, tmp_path):
    """Each test starts with an empty media store (a fresh bucket on the S3 pass), so that it
    can say exactly which objects are left."""
    if os.environ.get("CBLOG_TEST_STORAGE") == "s3":
        request.getfixturevalue("s3_media")
        yield
        return
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


@pytest.fixture
def writer(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def s3(aws_client):
    return aws_client("s3")
