"""The README's cost table names every billed kind of resource the templates create."""

import re

import pytest

from .conftest import DEPLOY

pytestmark = pytest.mark.deploy

# Resource type prefix -> the words of its row in the cost table.
BILLED = {
    "AWS::EC2::NatGateway": "NAT gateways",
    "AWS::EC2::EIP": "Public IPv4 addresses",
    "AWS::EC2::LaunchTemplate": "EC2",
    "AWS::RDS::DBInstance": "RDS MySQL",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Application Load Balancer",
    "AWS::CloudWatch::Alarm": "CloudWatch alarms",
    "AWS::CloudWatch::Dashboard": "CloudWatch dashboard",
    "AWS::Logs::": "CloudWatch Logs",
    "AWS::EC2::FlowLog": "CloudWatch Logs",
    "AWS::Route53::": "Route 53",
    "AWS::SecretsManager::Secret": "Secrets Manager",
    "AWS::ElastiCache::": "ElastiCache Redis",
    "AWS::S3::Bucket": "S3",
    "AWS::CloudFront::Distribution": "CloudFront",
    "AWS::DynamoDB::Table": "DynamoDB",
    "AWS::Lambda::Function": "Lambda",
    "AWS::SQS::Queue": "SQS",
    "AWS::Events::Rule": "EventBridge",
}
# Target tracking makes two alarms of its own (scale out, scale in).
TARGET_TRACKING_ALARMS = 2


def cost_rows():
    text = (DEPLOY / "README.md").read_text()
    table = text.split("## Monthly cost", 1)[1].split("\n\n", 2)[1]
    return {row.split("|")[1].strip(): row for row in table.splitlines()[2:]}


def resource_types(templates):
    return [r["Type"] for t in templates.values() for r in t["Resources"].values()]


def test_every_billed_kind_of_resource_has_a_row(templates):
    rows = cost_rows()
    for resource_type in set(resource_types(templates)):
        for prefix, component in BILLED.items():
            if resource_type.startswith(prefix):
                assert any(component in name for name in rows), resource_type


def test_the_rows_count_the_alarms_and_secrets_the_templates_make(templates):
    rows = cost_rows()
    types = resource_types(templates)
    alarms = types.count("AWS::CloudWatch::Alarm") + TARGET_TRACKING_ALARMS
    assert re.search(rf"\| {alarms} × \$0\.10", rows["CloudWatch alarms"])
    # RDS adds the master user's; the Redis token is optional.
    secrets = types.count("AWS::SecretsManager::Secret")
    assert f"{secrets} secrets" in rows["Secrets Manager"]
    assert f"({secrets + 1} with Redis)" in rows["Secrets Manager"]
