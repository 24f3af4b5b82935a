"""Checks on what the stack stored: rows, bucket objects and index items, polled with a bound."""

import json
import time

from scripts.stack import BUCKET, TABLE


def eventually(check, what, timeout=20.0):
    """Polls check() until it returns something truthy; fails with the last value after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert value, f"{what}: still {value!r} after {timeout:.0f} s"
    return value


def image_keys(stack, image_id):
    """The bucket keys of an Image row's renditions (storage names live under media/)."""
    ((*names, renditions),) = stack.sql(
        "SELECT original, display, thumbnail, renditions FROM blog_image WHERE id = %s",
        [image_id],
    )
    names += [rendition["name"] for rendition in json.loads(renditions)]
    return {f"media/{name}" for name in names}


def bucket_keys(stack):
    pages = stack.client("s3").get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {obj["Key"] for page in pages for obj in page.get("Contents", [])}


def index_events(stack, keys):
    """{key: Event} for the index items of these keys (missing keys are left out)."""
    dynamodb = stack.client("dynamodb")
    found = {}
    for key in keys:
        item = dynamodb.get_item(TableName=TABLE, Key={"id": {"S": key}}, ConsistentRead=True)
        if "Item" in item:
            found[key] = item["Item"]["Event"]["S"]
    return found


def indexed_as(stack, keys, prefix):
    """Waits until every key's index item holds an event starting with prefix."""

    def done():
        found = index_events(stack, keys)
        return len(found) == len(keys) and all(e.startswith(prefix) for e in found.values())

    eventually(done, f"index items of {sorted(keys)} as {prefix}")
