"""The production topology on loopback ports, for trying the site and for the stack tests.

MariaDB (the shared server on 3306 with a fresh database, or a private server), a Redis server of
its own (cache, page cache, throttles and the job queue, nothing persisted), moto as S3 + SQS +
DynamoDB, an SMTP sink, two gunicorn instances with production settings behind HAProxy (health
checks on /healthz/ like the ALB), the job worker (Celery) that mails through the sink, and the
indexer draining the bucket's SQS queue into
lambda_indexer.handler like the Lambda trigger.

    python -m scripts.stack [--private-db]   # start, print the URL, stop on Ctrl-C
    python -m scripts.stack down             # stop the one started above (pid in .stack/)
"""

from scripts.stack.aws import BUCKET, TABLE
from scripts.stack.processes import ROOT
from scripts.stack.stack import Stack

__all__ = ["BUCKET", "ROOT", "TABLE", "Stack"]
