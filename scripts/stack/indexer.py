"""The SQS → Lambda trigger: the bucket's queue drained into lambda_indexer's handler."""

import logging
import time

import boto3

log = logging.getLogger("stack")


def drain_queue(queue_url):
    """Batches of up to 10, as the event source mapping sends; failed messages stay for a retry."""
    from lambda_indexer.handler import lambda_handler

    sqs = boto3.client("sqs")
    while True:
        try:
            messages = sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            ).get("Messages", [])
            if not messages:
                continue
            event = {
                "Records": [
                    {"messageId": m["MessageId"], "body": m["Body"], "eventSource": "aws:sqs"}
                    for m in messages
                ]
            }
            failed = {f["itemIdentifier"] for f in lambda_handler(event, None)["batchItemFailures"]}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[
                        {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                        for n, m in enumerate(done)
                    ],
                )
        except Exception:
            log.exception("indexer loop")
            time.sleep(1)
