"""How a step reports a stack that CloudFormation rolled back: each failed resource, with its reason."""

import io
from datetime import UTC, datetime

import pytest
from botocore.stub import Stubber

from deploy import ops

pytestmark = pytest.mark.deploy

NAME = "cblog-wait-data"


def event(number, resource, status, reason=""):
    return {
        "StackId": "stack-id",
        "EventId": f"event-{number}",
        "StackName": NAME,
        "LogicalResourceId": resource,
        "ResourceType": "AWS::RDS::DBInstance" if resource == "Database" else "AWS::S3::Bucket",
        "ResourceStatus": status,
        "ResourceStatusReason": reason,
        "Timestamp": datetime(2026, 1, 1, tzinfo=UTC),
    }


def stack(status):
    return {
        "Stacks": [
            {
                "StackName": NAME,
                "StackStatus": status,
                "CreationTime": datetime(2026, 1, 1, tzinfo=UTC),
            }
        ]
    }


def test_a_rolled_back_stack_ends_the_step_with_each_failed_resource_and_its_reason(
    monkeypatch, aws_credentials
):
    monkeypatch.setattr(ops, "POLL_SECONDS", 0)
    out = io.StringIO()
    driver = ops.Driver(ops.Environment("cblog-wait", "us-east-1", {}), out=out)
    events = [
        event(3, "Database", "CREATE_FAILED", "DBInstanceClass db.x9.huge is not available"),
        event(2, "MediaBucket", "CREATE_COMPLETE"),
        event(1, "MediaBucket", "CREATE_IN_PROGRESS"),
    ]
    cloudformation = driver.stacks("data")
    with Stubber(cloudformation) as stub:
        stub.add_response("describe_stacks", stack("CREATE_IN_PROGRESS"))
        stub.add_response("describe_stack_events", {"StackEvents": events[2:]})
        stub.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"))
        stub.add_response("describe_stack_events", {"StackEvents": events})
        with pytest.raises(ops.DeployError) as failed:
            driver.wait(cloudformation, NAME, since=None)

    message = str(failed.value)
    assert f"{NAME} ended in ROLLBACK_COMPLETE" in message
    assert "Database: DBInstanceClass db.x9.huge is not available" in message
    assert "MediaBucket" not in message
    printed = out.getvalue().splitlines()
    assert printed == [
        "  MediaBucket (AWS::S3::Bucket): CREATE_IN_PROGRESS",
        "  MediaBucket (AWS::S3::Bucket): CREATE_COMPLETE",
        "  Database (AWS::RDS::DBInstance): CREATE_FAILED DBInstanceClass db.x9.huge is not available",
    ]
