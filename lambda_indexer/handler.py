"""S3 ObjectCreated/ObjectRemoved events under media/ → one DynamoDB item per object key.

Ordering: S3 delivers at least once and in no order, so every item stores `sequencer_key`, a
fixed-width string that sorts like the S3 `sequencer`, and each write is conditional on being
newer than what the table holds. Deletes are tombstones (expiring after TOMBSTONE_TTL_DAYS), so
an older create that arrives late cannot bring a deleted object back.
"""

import enum
import functools
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

import boto3
from botocore.exceptions import ClientError

PREFIX = "media/"
# Wider than any S3 sequencer seen, so right-padding with zeros never truncates.
SEQUENCER_WIDTH = 64
# Ordering-key families: reconcile's baseline < event-time fallback < real sequencers.
BASELINE_ORDER = "0"
TIME_ORDER = "1"
SEQUENCER_ORDER = "2"
NEWER = "attribute_not_exists(id) OR sequencer_key < :new"

logger = logging.getLogger(__name__)
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


class Kind(enum.StrEnum):
    CREATED = "created"
    REMOVED = "removed"
    OTHER = "other"


class Outcome(enum.StrEnum):
    WRITTEN = "written"
    STALE = "stale/duplicate"
    IGNORED = "ignored"
    ERROR = "error"


class RecordsFailedError(Exception):
    """Raised after a direct S3 invocation so that Lambda retries the event."""


@dataclass(frozen=True, slots=True)
class ObjectEvent:
    bucket: str
    key: str
    event: str
    kind: Kind
    time: datetime
    sequencer: str = ""
    size: int | None = None
    etag: str | None = None

    @property
    def indexed(self) -> bool:
        return self.kind is not Kind.OTHER and self.key.startswith(PREFIX)

    @property
    def order(self) -> str:
        return order_key(self.sequencer, self.time)


@functools.cache
def settings() -> dict:
    return {
        "table_name": os.environ.get("TABLE_NAME"),
        "tombstone_ttl": timedelta(days=int(os.environ.get("TOMBSTONE_TTL_DAYS", "30"))),
    }


@functools.cache
def table():
    return boto3.resource("dynamodb").Table(settings()["table_name"])


def order_key(sequencer: str, time: datetime) -> str:
    """Sortable form of the S3 sequencer (hex, right-padded); event time when there is none."""
    if not sequencer:
        return TIME_ORDER + time.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    digits = sequencer.upper()
    if len(digits) > SEQUENCER_WIDTH or digits.strip("0123456789ABCDEF"):
        raise ValueError(f"not an S3 sequencer: {sequencer!r}")
    return SEQUENCER_ORDER + digits.ljust(SEQUENCER_WIDTH, "0")


def event_kind(event_name: str) -> Kind:
    if event_name.startswith("ObjectCreated:"):
        return Kind.CREATED
    if event_name.startswith(("ObjectRemoved:", "LifecycleExpiration:")):
        return Kind.REMOVED
    return Kind.OTHER


def parse_record(record: dict) -> ObjectEvent:
    s3 = record["s3"]
    obj = s3["object"]
    kind = event_kind(record["eventName"])
    created = kind is Kind.CREATED
    return ObjectEvent(
        bucket=s3["bucket"]["name"],
        key=unquote_plus(obj["key"]),
        event=record["eventName"],
        kind=kind,
        time=datetime.fromisoformat(record["eventTime"]),
        sequencer=obj.get("sequencer", ""),
        size=obj.get("size") if created else None,
        etag=obj.get("eTag") if created else None,
    )


def item_for(change: ObjectEvent, order: str | None = None) -> dict:
    item = {
        "id": change.key,
        "Event": change.event,
        "timestamp": change.time.astimezone(UTC).isoformat(timespec="milliseconds"),
        "bucket": change.bucket,
        "sequencer": change.sequencer,
        "sequencer_key": change.order if order is None else order,
    }
    if change.kind is Kind.CREATED:
        item.update(size=change.size, etag=change.etag)
    else:
        expires = change.time + settings()["tombstone_ttl"]
        item["expires_at"] = int(expires.timestamp())
    return item


def record_handler(change: ObjectEvent) -> Outcome:
    """Writes the item unless the table already holds this or a newer event for the key."""
    try:
        table().put_item(
            Item=item_for(change),
            ConditionExpression=NEWER,
            ExpressionAttributeValues={":new": change.order},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return Outcome.STALE
        raise
    return Outcome.WRITTEN


def log(outcome: Outcome, key: str | None, event: str | None, **extra) -> None:
    line = {"key": key, "event": event, "outcome": outcome, **extra}
    level = logging.ERROR if outcome is Outcome.ERROR else logging.INFO
    logger.log(level, json.dumps(line, ensure_ascii=False, default=str))


def process_record(record: dict) -> bool:
    """Handles one S3 record; returns False when it must be retried."""
    key = event = None
    try:
        key, event = unquote_plus(record["s3"]["object"]["key"]), record["eventName"]
        change = parse_record(record)
        if not change.indexed:
            log(Outcome.IGNORED, change.key, change.event)
            return True
        log(record_handler(change), change.key, change.event, sequencer=change.sequencer)
    except Exception as error:
        # One bad record or failed write must not stop the rest of the batch.
        log(Outcome.ERROR, key, event, error=repr(error))
        return False
    return True


def process_message(message: dict) -> bool:
    """Handles one SQS message whose body is an S3 event notification."""
    try:
        body = json.loads(message["body"])
        if not isinstance(body, dict):
            raise TypeError("the body is not an S3 event notification")
    except (KeyError, TypeError, ValueError) as error:
        log(Outcome.ERROR, None, None, messageId=message.get("messageId"), error=repr(error))
        return False
    if body.get("Event") == "s3:TestEvent":
        log(Outcome.IGNORED, None, "s3:TestEvent", messageId=message.get("messageId"))
        return True
    results = [process_record(record) for record in body.get("Records", [])]
    return all(results)


def is_sqs(event: dict) -> bool:
    records = event.get("Records") or [{}]
    return records[0].get("eventSource") == "aws:sqs"


def lambda_handler(event: dict, context) -> dict:
    if is_sqs(event):
        return {
            "batchItemFailures": [
                {"itemIdentifier": message["messageId"]}
                for message in event["Records"]
                if not process_message(message)
            ]
        }
    if event.get("Event") == "s3:TestEvent":
        log(Outcome.IGNORED, None, "s3:TestEvent")
        return {"failed": 0}
    results = [process_record(record) for record in event.get("Records", [])]
    if not all(results):
        raise RecordsFailedError(f"{results.count(False)} of {len(results)} records failed")
    return {"failed": 0}
