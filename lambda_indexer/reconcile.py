"""Fixes drift between the media bucket and the index table, both ways.

    python -m lambda_indexer.reconcile --bucket B --table T [--prefix media/] [--dry-run]

Objects without a live item get a create item; live items whose object is gone get a tombstone.
Ordering: a repair keeps the ordering key of the item it replaces (the lowest when there is none),
so any newer real event still wins and replays of the events it supersedes still lose.
"""

import argparse
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import boto3
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError
from tqdm import tqdm

from lambda_indexer.handler import BASELINE_ORDER, PREFIX, Kind, ObjectEvent, item_for


@dataclass(frozen=True, slots=True)
class Repair:
    change: ObjectEvent
    replaces: str | None  # the sequencer_key seen in the table, None when there was no item


def list_objects(s3, bucket: str, prefix: str, page_size: int = 1000) -> dict[str, dict]:
    objects = {}
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": page_size}
    )
    with tqdm(desc="objects", unit=" obj") as bar:
        for page in pages:
            objects.update((obj["Key"], obj) for obj in page.get("Contents", []))
            bar.update(len(page.get("Contents", [])))
    return objects


def scan_items(table, prefix: str, page_size: int = 1000) -> dict[str, dict]:
    items = {}
    kwargs = {
        "ConsistentRead": True,
        "FilterExpression": Attr("id").begins_with(prefix),
        "Limit": page_size,
    }
    with tqdm(desc="items", unit=" item") as bar:
        while True:
            page = table.scan(**kwargs)
            items.update((item["id"], item) for item in page["Items"])
            bar.update(len(page["Items"]))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def is_live(item: dict | None) -> bool:
    return item is not None and item["Event"].startswith("ObjectCreated:")


def plan(bucket: str, objects: dict[str, dict], items: dict[str, dict]) -> list[Repair]:
    now = datetime.now(UTC)
    repairs = []
    for key, obj in objects.items():
        if not is_live(items.get(key)):
            change = ObjectEvent(
                bucket=bucket,
                key=key,
                event="ObjectCreated:Reconcile",
                kind=Kind.CREATED,
                time=obj["LastModified"],
                size=obj["Size"],
                etag=obj["ETag"].strip('"'),
            )
            repairs.append(Repair(change, items.get(key, {}).get("sequencer_key")))
    for key, item in items.items():
        if is_live(item) and key not in objects:
            change = ObjectEvent(
                bucket=bucket, key=key, event="ObjectRemoved:Reconcile", kind=Kind.REMOVED, time=now
            )
            repairs.append(Repair(change, item["sequencer_key"]))
    return repairs


def apply(table, repair: Repair) -> str:
    """Writes only if the item is still the one planned against, so a concurrent event wins."""
    if repair.replaces is None:
        item = item_for(repair.change, order=BASELINE_ORDER)
        condition, values = "attribute_not_exists(id)", {}
    else:
        item = item_for(repair.change, order=repair.replaces)
        condition, values = "sequencer_key = :seen", {":seen": repair.replaces}
    try:
        table.put_item(
            Item=item,
            ConditionExpression=condition,
            **({"ExpressionAttributeValues": values} if values else {}),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return "skipped (changed meanwhile)"
        raise
    return "created" if repair.change.kind is Kind.CREATED else "tombstoned"


def reconcile(
    s3, table, *, bucket: str, prefix: str = PREFIX, dry_run: bool = False, page_size: int = 1000
) -> Counter:
    objects = list_objects(s3, bucket, prefix, page_size)
    repairs = plan(bucket, objects, scan_items(table, prefix, page_size))
    summary = Counter()
    for repair in tqdm(repairs, desc="repairs", unit=" key"):
        action = "create" if repair.change.kind is Kind.CREATED else "tombstone"
        summary[f"would {action}" if dry_run else apply(table, repair)] += 1
    return summary


def main(argv: list[str] | None = None) -> Counter:
    parser = argparse.ArgumentParser(prog="python -m lambda_indexer.reconcile", description=__doc__)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--prefix", default=PREFIX)
    parser.add_argument("--dry-run", action="store_true", help="report drift, change nothing")
    args = parser.parse_args(argv)
    summary = reconcile(
        boto3.client("s3"),
        boto3.resource("dynamodb").Table(args.table),
        bucket=args.bucket,
        prefix=args.prefix,
        dry_run=args.dry_run,
    )
    verb = "Dry run, would change" if args.dry_run else "Changed"
    details = ", ".join(f"{what}: {n}" for what, n in sorted(summary.items())) or "no drift"
    print(f"{verb} {summary.total()} keys in {args.table} ({details})")
    return summary


if __name__ == "__main__":
    main()
