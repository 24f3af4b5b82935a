import uuid

import pytest

from lambda_indexer import handler


@pytest.fixture
def table(aws_client, moto_server, monkeypatch):
    """A fresh index table on moto, wired into the handler through its environment."""
    name = f"index-{uuid.uuid4().hex[:12]}"
    aws_client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("TABLE_NAME", name)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_server)
    monkeypatch.delenv("TOMBSTONE_TTL_DAYS", raising=False)
    cached = (handler.settings, handler.table)  # tests may monkeypatch these
    for function in cached:
        function.cache_clear()
    yield handler.table()
    for function in cached:
        function.cache_clear()
