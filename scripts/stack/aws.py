"""moto as the AWS side: the media bucket notifying an SQS queue, and the index table."""

import socket

import boto3

from scripts.stack.processes import BIN, wait_for

REGION = "us-east-1"
AWS_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
BUCKET = "cblog-stack-media"
QUEUE = "cblog-stack-media-events"
TABLE = "cblog-stack-media-index"


class Moto:
    def client(self, service):
        return boto3.client(service, region_name=REGION, endpoint_url=self.moto_url, **AWS_KEYS)

    def start_moto(self):
        self.spawn("moto", [BIN / "moto_server", "-H", "127.0.0.1", "-p", self.moto_port])
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.moto_port), 1), "moto")
        s3, sqs, dynamodb = self.client("s3"), self.client("sqs"), self.client("dynamodb")
        s3.create_bucket(Bucket=BUCKET)
        self.queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": arn["Attributes"]["QueueArn"],
                        "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "media/"}]}},
                    }
                ]
            },
        )
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
