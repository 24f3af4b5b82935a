"""S3 media events → DynamoDB index: the Lambda handler, its packaging and the reconcile tool."""
