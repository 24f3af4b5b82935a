"""The real pipeline on moto: bucket notifications for media/ → SQS → lambda_handler → table.

moto's notification records carry no `sequencer` (moto/s3/notifications.py), so these tests run
the event-time fallback; the sequencer path is covered by hand-built records elsewhere.
"""

import json
import random
import time

import pytest

from lambda_indexer.handler import lambda_handler
from lambda_indexer.tests.helpers import drain, items, live_keys, notifying_bucket, sqs_event

KEYS = [
    "media/plain.jpg",
    "media/with space.jpg",
    "media/plus+sign.png",
    "media/100% pure.txt",
    "media/ünïcødé/日本語 ✓.png",
    "media/2025/01/31/nested/deep/file (1).webp",
]
DELETED = ["media/plus+sign.png", "media/ünïcødé/日本語 ✓.png"]
RECREATED = "media/with space.jpg"


@pytest.fixture(scope="module")
def notifications(aws_client):
    """Uploads and deletes objects in a notifying bucket; returns the bucket and the messages."""
    s3, sqs = aws_client("s3"), aws_client("sqs")
    bucket, queue_url = notifying_bucket(s3, sqs)

    def pause():
        # moto stamps events to the millisecond; later changes to a key need a later stamp.
        time.sleep(0.005)

    for n, key in enumerate(KEYS):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * (n + 1))
    s3.put_object(Bucket=bucket, Key="outside/not-media.txt", Body=b"x")
    pause()
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": DELETED[0]}]})
    s3.delete_object(Bucket=bucket, Key=DELETED[1])
    s3.delete_object(Bucket=bucket, Key=RECREATED)
    pause()
    s3.put_object(Bucket=bucket, Key=RECREATED, Body=b"recreated")

    messages = drain(sqs, queue_url)
    objects = s3.list_objects_v2(Bucket=bucket, Prefix="media/")["Contents"]
    return {obj["Key"]: obj for obj in objects}, messages


def feed(messages, batch_size=10):
    for start in range(0, len(messages), batch_size):
        result = lambda_handler(sqs_event(*messages[start : start + batch_size]), None)
        assert result == {"batchItemFailures": []}


def test_moto_delivers_a_test_event_and_one_message_per_media_change(notifications):
    _, messages = notifications
    bodies = [json.loads(message["body"]) for message in messages]

    assert bodies[0]["Event"] == "s3:TestEvent"
    assert len(bodies) == 1 + len(KEYS) + len(DELETED) + 2


def test_table_matches_the_bucket_after_the_queue_is_replayed_in_order(notifications, table):
    objects, messages = notifications

    feed(messages)

    assert live_keys(table) == set(objects)
    stored = items(table)
    assert {key: (stored[key]["size"], stored[key]["etag"]) for key in objects} == {
        key: (obj["Size"], obj["ETag"].strip('"')) for key, obj in objects.items()
    }


def test_deleted_objects_are_tombstones(notifications, table):
    _, messages = notifications

    feed(messages)

    assert {key: items(table)[key]["Event"] for key in DELETED} == {
        key: "ObjectRemoved:Delete" for key in DELETED
    }


def test_table_matches_the_bucket_whatever_the_delivery_order_and_duplicates(notifications, table):
    objects, messages = notifications
    shuffled = messages + random.Random(7).sample(messages, k=len(messages) // 2)
    random.Random(42).shuffle(shuffled)

    feed(shuffled, batch_size=3)

    assert live_keys(table) == set(objects)
