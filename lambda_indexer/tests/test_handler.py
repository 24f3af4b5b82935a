import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lambda_indexer import handler
from lambda_indexer.handler import Kind, lambda_handler, order_key, parse_record
from lambda_indexer.tests.helpers import items, s3_record, sqs_event, sqs_message

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def log_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == handler.__name__]


class FakeContext:
    function_name = "lambda_indexer"
    aws_request_id = "request-1"


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("media/a+b.jpg", "media/a b.jpg"),
        ("media/a%2Bb.jpg", "media/a+b.jpg"),
        ("media%2F2025%2F01%2Fx.jpg", "media/2025/01/x.jpg"),
        ("media/%C3%BCn%C3%AFc%C3%B8d%C3%A9.png", "media/ünïcødé.png"),
        ("media/100%25.txt", "media/100%.txt"),
    ],
)
def test_keys_are_decoded_with_s3_notification_rules(encoded, decoded):
    record = s3_record("placeholder")
    record["s3"]["object"]["key"] = encoded

    assert parse_record(record).key == decoded


def test_parse_record_returns_the_event_kind_sequencer_size_and_etag_of_a_create():
    change = parse_record(s3_record("media/a.jpg", sequencer="00AB", size=7))

    assert (change.kind, change.event, change.sequencer) == (
        Kind.CREATED,
        "ObjectCreated:Put",
        "00AB",
    )
    assert (change.size, change.etag, change.bucket) == (7, "etag-7", "media-bucket")


def test_lifecycle_expirations_are_removals():
    change = parse_record(s3_record("media/a.jpg", event="LifecycleExpiration:Delete"))

    assert change.kind is Kind.REMOVED


def test_shorter_sequencers_compare_as_if_right_padded_with_zeros():
    assert order_key("0055AE", T0) < order_key("0055AED6", T0) < order_key("0055AF", T0)
    assert order_key("0055AE", T0) == order_key("0055ae0000", T0)


def test_a_sequencer_that_is_not_hex_is_rejected():
    with pytest.raises(ValueError, match="not an S3 sequencer"):
        order_key("12-XY", T0)


def test_records_without_a_sequencer_are_ordered_by_event_time():
    earlier = parse_record(s3_record("media/a", sequencer=None, time="2025-01-01T00:00:00.001Z"))
    later = parse_record(s3_record("media/a", sequencer=None, time="2025-01-01T00:00:00.002Z"))

    assert earlier.order < later.order


def test_a_create_stores_event_time_bucket_size_etag_and_sequencer(table):
    lambda_handler({"Records": [s3_record("media/a b.jpg", sequencer="0A", size=3)]}, None)

    assert items(table)["media/a b.jpg"] == {
        "id": "media/a b.jpg",
        "Event": "ObjectCreated:Put",
        "timestamp": "2025-01-01T00:00:00.000+00:00",
        "bucket": "media-bucket",
        "size": Decimal(3),
        "etag": "etag-3",
        "sequencer": "0A",
        "sequencer_key": order_key("0A", T0),
    }


def test_a_delete_is_a_tombstone_that_expires_after_the_configured_days(table, monkeypatch):
    monkeypatch.setenv("TOMBSTONE_TTL_DAYS", "2")
    handler.settings.cache_clear()
    record = s3_record("media/a.jpg", event="ObjectRemoved:Delete", sequencer="0B")

    lambda_handler({"Records": [record]}, None)

    tombstone = items(table)["media/a.jpg"]
    assert tombstone["Event"] == "ObjectRemoved:Delete"
    assert tombstone["expires_at"] == int(T0.timestamp()) + 2 * 86400
    assert "size" not in tombstone


def test_an_older_create_arriving_after_a_delete_does_not_resurrect_the_object(table):
    deleted = s3_record("media/a.jpg", event="ObjectRemoved:Delete", sequencer="0B")
    lambda_handler({"Records": [deleted, s3_record("media/a.jpg", sequencer="0A")]}, None)

    assert items(table)["media/a.jpg"]["Event"] == "ObjectRemoved:Delete"


def test_a_newer_create_replaces_a_tombstone(table):
    deleted = s3_record("media/a.jpg", event="ObjectRemoved:Delete", sequencer="0B")
    lambda_handler({"Records": [deleted, s3_record("media/a.jpg", sequencer="0C")]}, None)

    assert items(table)["media/a.jpg"]["Event"] == "ObjectCreated:Put"
    assert "expires_at" not in items(table)["media/a.jpg"]


def test_a_duplicate_event_is_logged_stale_and_changes_nothing(table, caplog):
    lambda_handler({"Records": [s3_record("media/a.jpg", size=1)]}, None)
    before = items(table)

    with caplog.at_level(logging.INFO, logger=handler.__name__):
        lambda_handler({"Records": [s3_record("media/a.jpg", size=1)]}, None)

    assert items(table) == before
    assert log_lines(caplog)[-1]["outcome"] == "stale/duplicate"


def test_every_record_is_logged_as_one_json_line_with_key_event_and_outcome(table, caplog):
    records = [s3_record("media/ü.jpg"), s3_record("other/x.jpg")]

    with caplog.at_level(logging.INFO, logger=handler.__name__):
        lambda_handler({"Records": records}, None)

    assert [(line["key"], line["event"], line["outcome"]) for line in log_lines(caplog)] == [
        ("media/ü.jpg", "ObjectCreated:Put", "written"),
        ("other/x.jpg", "ObjectCreated:Put", "ignored"),
    ]


def test_records_outside_media_are_ignored(table):
    lambda_handler({"Records": [s3_record("other/x.jpg"), s3_record("mediax/y.jpg")]}, None)

    assert items(table) == {}


def test_events_other_than_create_and_remove_are_ignored(table):
    lambda_handler({"Records": [s3_record("media/x.jpg", event="ObjectTagging:Put")]}, None)

    assert items(table) == {}


def test_an_s3_test_event_in_sqs_is_ignored_and_logged(table, caplog):
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "media-bucket"}

    with caplog.at_level(logging.INFO, logger=handler.__name__):
        result = lambda_handler(sqs_event(sqs_message(test_event)), FakeContext())

    assert result == {"batchItemFailures": []}
    assert items(table) == {}
    assert log_lines(caplog)[-1]["event"] == "s3:TestEvent"


def test_an_s3_test_event_invoked_directly_is_ignored_and_logged(table, caplog):
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "media-bucket"}

    with caplog.at_level(logging.INFO, logger=handler.__name__):
        result = lambda_handler(test_event, FakeContext())

    assert result == {"failed": 0}
    assert items(table) == {}
    assert log_lines(caplog)[-1]["event"] == "s3:TestEvent"


def test_every_record_of_every_sqs_message_is_stored(table):
    first = sqs_message({"Records": [s3_record("media/a"), s3_record("media/b")]})
    second = sqs_message({"Records": [s3_record("media/c")]})

    result = lambda_handler(sqs_event(first, second), FakeContext())

    assert result == {"batchItemFailures": []}
    assert set(items(table)) == {"media/a", "media/b", "media/c"}


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "null"])
def test_an_sqs_message_whose_body_is_not_an_s3_notification_is_reported_failed(table, body):
    result = lambda_handler(sqs_event(sqs_message(body, message_id="m-1")), FakeContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_a_record_missing_its_fields_is_reported_failed_and_the_others_are_stored(table):
    broken = sqs_message({"Records": [{"eventName": "ObjectCreated:Put"}]}, message_id="m-1")
    good = sqs_message({"Records": [s3_record("media/a")]})

    result = lambda_handler(sqs_event(broken, good), FakeContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert set(items(table)) == {"media/a"}


class FailingPut:
    """The real table, except that the put for one key raises as DynamoDB would."""

    def __init__(self, table, key):
        self.table, self.key = table, key

    def put_item(self, **kwargs):
        if kwargs["Item"]["id"] == self.key:
            raise handler.ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
                "PutItem",
            )
        return self.table.put_item(**kwargs)


def test_a_failed_write_in_an_sqs_batch_reports_its_message_and_stores_the_others(
    table, monkeypatch
):
    monkeypatch.setattr(handler, "table", lambda: FailingPut(table, "media/bad"))
    good = sqs_message({"Records": [s3_record("media/a")]}, message_id="m-good")
    bad = sqs_message({"Records": [s3_record("media/bad"), s3_record("media/b")]}, "m-bad")
    last = sqs_message({"Records": [s3_record("media/c")]}, message_id="m-last")

    result = lambda_handler(sqs_event(good, bad, last), FakeContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": "m-bad"}]}
    assert set(items(table)) == {"media/a", "media/b", "media/c"}


def test_a_failed_write_in_a_direct_s3_event_raises_after_storing_the_others(table, monkeypatch):
    monkeypatch.setattr(handler, "table", lambda: FailingPut(table, "media/bad"))
    records = [s3_record("media/a"), s3_record("media/bad"), s3_record("media/b")]

    with pytest.raises(handler.RecordsFailedError, match="1 of 3"):
        lambda_handler({"Records": records}, FakeContext())

    assert set(items(table)) == {"media/a", "media/b"}


@pytest.mark.slow
def test_an_event_of_1000_records_makes_at_most_1000_writes_and_no_reads(table):
    calls = []

    def count(model, **kwargs):
        calls.append(model.name)

    events = table.meta.client.meta.events
    events.register("before-call.dynamodb.*", count)
    records = [s3_record(f"media/{n}.jpg", sequencer=f"{n:04X}") for n in range(1000)]
    try:
        lambda_handler({"Records": records}, FakeContext())
    finally:
        events.unregister("before-call.dynamodb.*", count)

    assert len(calls) <= 1000
    assert set(calls) == {"PutItem"}
