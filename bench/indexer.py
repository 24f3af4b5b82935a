"""Indexer throughput against moto's DynamoDB: `python -m bench.indexer [--events 5]`.

Sends events of 1,000 S3 records (direct and SQS-shaped, then replayed as duplicates) to
lambda_handler and prints records/second. Figures depend on the machine; nothing is asserted.
"""

import argparse
import json
import logging
import os
import time
import uuid
from urllib.parse import quote_plus

import boto3
from moto.server import ThreadedMotoServer

from scripts.ports import free_port

RECORDS_PER_EVENT = 1000


def s3_records(batch: int) -> list[dict]:
    return [
        {
            "eventSource": "aws:s3",
            "eventTime": "2025-01-01T00:00:00.000Z",
            "eventName": "ObjectCreated:Put",
            "s3": {
                "bucket": {"name": "media-bucket"},
                "object": {
                    "key": quote_plus(f"media/bench/{batch}/photo {n}.jpg"),
                    "size": 1024,
                    "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                    "sequencer": f"{batch:06X}{n:06X}",
                },
            },
        }
        for n in range(RECORDS_PER_EVENT)
    ]


def sqs_event(records: list[dict]) -> dict:
    """Ten records per message, the shape S3 → SQS → Lambda delivers."""
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "eventSource": "aws:sqs",
                "body": json.dumps({"Records": records[start : start + 10]}),
            }
            for start in range(0, len(records), 10)
        ]
    }


def measure(label: str, events: list[dict], lambda_handler) -> None:
    started = time.perf_counter()
    for event in events:
        lambda_handler(event, None)
    elapsed = time.perf_counter() - started
    records = len(events) * RECORDS_PER_EVENT
    print(f"{label:<28} {records:>7} records {elapsed:7.2f} s {records / elapsed:9.0f} records/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5, help="events of 1,000 records per run")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - fake, for the local moto server
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ENDPOINT_URL_DYNAMODB=f"http://127.0.0.1:{port}",
            TABLE_NAME="bench-index",
        )
        boto3.client("dynamodb").create_table(
            TableName="bench-index",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        # Imported after the environment is set: the handler reads it once.
        from lambda_indexer.handler import lambda_handler, logger

        logger.setLevel("WARNING")
        direct = [{"Records": s3_records(batch)} for batch in range(args.events)]
        via_sqs = [sqs_event(s3_records(batch)) for batch in range(args.events, 2 * args.events)]
        measure("direct S3, new keys", direct, lambda_handler)
        measure("SQS-wrapped, new keys", via_sqs, lambda_handler)
        measure("direct S3, duplicates", direct, lambda_handler)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
