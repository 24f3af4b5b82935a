import uuid

import pytest

from lambda_indexer import reconcile
from lambda_indexer.handler import lambda_handler
from lambda_indexer.tests.helpers import items, live_keys, s3_record


@pytest.fixture
def bucket(aws_client):
    name = f"media-{uuid.uuid4().hex[:12]}"
    aws_client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture
def drifted(aws_client, bucket, table):
    """Indexed objects plus drift both ways: unindexed, wrongly tombstoned and vanished objects."""
    s3 = aws_client("s3")
    for key in ["media/indexed.jpg", "media/unindexed é.jpg", "media/tombstoned.jpg"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"data")
    s3.put_object(Bucket=bucket, Key="other/not-media.txt", Body=b"data")
    lambda_handler(
        {
            "Records": [
                s3_record("media/indexed.jpg", bucket=bucket, sequencer="10"),
                s3_record(
                    "media/tombstoned.jpg", "ObjectRemoved:Delete", sequencer="20", bucket=bucket
                ),
                s3_record("media/vanished.jpg", bucket=bucket, sequencer="30"),
            ]
        },
        None,
    )
    return bucket


def run(aws_client, table, bucket, **options):
    return reconcile.reconcile(aws_client("s3"), table, bucket=bucket, **options)


def test_reconcile_indexes_objects_that_have_no_live_item(aws_client, drifted, table):
    run(aws_client, table, drifted)

    assert live_keys(table) == {
        "media/indexed.jpg",
        "media/unindexed é.jpg",
        "media/tombstoned.jpg",
    }


def test_reconcile_tombstones_live_items_whose_object_is_gone(aws_client, drifted, table):
    run(aws_client, table, drifted)

    assert items(table)["media/vanished.jpg"]["Event"] == "ObjectRemoved:Reconcile"


def test_reconcile_stores_the_size_and_etag_of_the_object(aws_client, drifted, table):
    run(aws_client, table, drifted)

    etag = aws_client("s3").head_object(Bucket=drifted, Key="media/unindexed é.jpg")["ETag"]
    item = items(table)["media/unindexed é.jpg"]
    assert (item["size"], item["etag"]) == (4, etag.strip('"'))


def test_reconcile_summarises_what_it_changed(aws_client, drifted, table):
    summary = run(aws_client, table, drifted)

    assert summary == {"created": 2, "tombstoned": 1}


def test_reconcile_reads_every_page_of_the_bucket_and_the_table(aws_client, drifted, table):
    summary = run(aws_client, table, drifted, page_size=1)

    assert summary == {"created": 2, "tombstoned": 1}


def test_reconcile_leaves_a_table_without_drift_alone(aws_client, drifted, table):
    run(aws_client, table, drifted)
    before = items(table)

    summary = run(aws_client, table, drifted)

    assert (summary, items(table)) == ({}, before)


def test_reconcile_dry_run_reports_drift_and_changes_nothing(aws_client, drifted, table):
    before = items(table)

    summary = run(aws_client, table, drifted, dry_run=True)

    assert summary == {"would create": 2, "would tombstone": 1}
    assert items(table) == before


def test_any_real_event_wins_over_an_item_reconcile_created(aws_client, drifted, table):
    run(aws_client, table, drifted)

    record = s3_record("media/unindexed é.jpg", "ObjectRemoved:Delete", sequencer="01")
    lambda_handler({"Records": [record]}, None)

    assert items(table)["media/unindexed é.jpg"]["Event"] == "ObjectRemoved:Delete"


def test_a_replayed_create_cannot_undo_a_reconcile_tombstone(aws_client, drifted, table):
    run(aws_client, table, drifted)

    lambda_handler({"Records": [s3_record("media/vanished.jpg", sequencer="30")]}, None)

    assert items(table)["media/vanished.jpg"]["Event"] == "ObjectRemoved:Reconcile"


def test_a_repair_is_skipped_when_an_event_changed_the_item_meanwhile(aws_client, drifted, table):
    objects = reconcile.list_objects(aws_client("s3"), drifted, "media/")
    repairs = reconcile.plan(drifted, objects, reconcile.scan_items(table, "media/"))
    lambda_handler({"Records": [s3_record("media/tombstoned.jpg", sequencer="21")]}, None)

    outcomes = {r.change.key: reconcile.apply(table, r) for r in repairs}

    assert outcomes["media/tombstoned.jpg"] == "skipped (changed meanwhile)"
    assert items(table)["media/tombstoned.jpg"]["Event"] == "ObjectCreated:Put"


def test_the_command_line_reconciles_and_prints_a_summary(
    drifted, table, moto_server, monkeypatch, capsys
):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)

    reconcile.main(["--bucket", drifted, "--table", table.name])

    assert "Changed 3 keys" in capsys.readouterr().out
    assert "media/vanished.jpg" not in live_keys(table)
