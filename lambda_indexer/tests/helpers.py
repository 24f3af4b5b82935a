"""Event builders and table readers shared by the indexer tests."""

import json
import uuid
from urllib.parse import quote_plus


def items(table) -> dict[str, dict]:
    found, kwargs = {}, {"ConsistentRead": True}
    while True:
        page = table.scan(**kwargs)
        found.update((item["id"], item) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def live_keys(table) -> set[str]:
    return {key for key, item in items(table).items() if item["Event"].startswith("ObjectCreated")}


def s3_record(
    key,
    event="ObjectCreated:Put",
    sequencer="0A",
    time="2025-01-01T00:00:00.000Z",
    size=1,
    bucket="media-bucket",
):
    """An S3 event notification record as S3 sends it (key URL-encoded)."""
    obj = {"key": quote_plus(key), "sequencer": sequencer}
    if sequencer is None:
        del obj["sequencer"]
    if event.startswith("ObjectCreated"):
        obj.update(size=size, eTag=f"etag-{size}")
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventTime": time,
        "eventName": event,
        "s3": {"bucket": {"name": bucket}, "object": obj},
    }


def sqs_message(body, message_id=None):
    """One SQS message as Lambda's SQS trigger delivers it."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": "handle",
        "body": body if isinstance(body, str) else json.dumps(body),
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:media-events",
    }


def sqs_event(*messages):
    return {"Records": list(messages)}


def notifying_bucket(s3, sqs) -> tuple[str, str]:
    """A new bucket whose media/ changes are sent to a new SQS queue, as in production."""
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    queue_url = sqs.create_queue(QueueName=bucket)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "media/"}]}},
                }
            ]
        },
    )
    return bucket, queue_url


def drain(sqs, queue_url) -> list[dict]:
    """Receives and deletes every queued message, returned as Lambda's SQS trigger shapes them."""
    messages = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        messages += [sqs_message(m["Body"], m["MessageId"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
            ],
        )
    return messages
