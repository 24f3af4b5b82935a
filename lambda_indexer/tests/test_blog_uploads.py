"""The blog's own upload path feeding the indexer: posts with pictures created, replaced, deleted."""

import io

import pytest
from django.test.utils import override_settings

from blog import services
from cblog.images.processing import process_image
from cblog.images.tests.files import make_jpeg
from conftest import s3_settings
from lambda_indexer.handler import lambda_handler
from lambda_indexer.tests.helpers import drain, items, live_keys, notifying_bucket, sqs_event

pytestmark = pytest.mark.django_db


def photo():
    return process_image(io.BytesIO(make_jpeg(width=900, height=600)))


@pytest.fixture
def blog_bucket(aws_client, moto_server):
    """The blog's media storage pointed at a bucket that notifies a queue."""
    s3, sqs = aws_client("s3"), aws_client("sqs")
    bucket, queue_url = notifying_bucket(s3, sqs)
    with override_settings(**s3_settings(bucket, moto_server)):
        yield s3, bucket, lambda: drain(sqs, queue_url)


def test_blog_uploads_replacements_and_deletes_leave_the_table_matching_the_bucket(
    blog_bucket, table, user, django_capture_on_commit_callbacks
):
    s3, bucket, drain_queue = blog_bucket
    data = {"title": "Indexed", "content": "x", "category": None, "status": "published"}
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.post_create(author=user, data=data, image=photo())
        replaced = services.post_create(author=user, data=data, image=photo())
        first_keys = {f"media/{name}" for name in replaced.image.file_names}
        services.post_update(post=replaced, data={}, image=photo())
        deleted = services.post_create(author=user, data=data, image=photo())
        deleted_keys = {f"media/{name}" for name in deleted.image.file_names}
        services.post_delete(post=deleted)

    for message in drain_queue():
        assert lambda_handler(sqs_event(message), None) == {"batchItemFailures": []}

    in_bucket = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert live_keys(table) == in_bucket
    assert {f"media/{name}" for name in kept.image.file_names} <= in_bucket
    tombstones = {
        key for key, item in items(table).items() if item["Event"].startswith("ObjectRemoved")
    }
    assert tombstones == first_keys | deleted_keys
