"""The load balancer answers only CloudFront: its addresses, and its secret header."""

import re

import pytest

from conftest import AWS_REGION
from deploy import ops

pytestmark = pytest.mark.deploy

HEADER = "X-Origin-Verify"


def resources(templates, layer, resource_type):
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in templates[layer]["Resources"].items()
        if resource["Type"] == resource_type
    }


def secret_of(value):
    """The Secrets Manager reference inside a header value: !Sub of a dynamic reference."""
    template, variables = (
        value["Fn::Sub"] if isinstance(value["Fn::Sub"], list) else (value["Fn::Sub"], {})
    )
    assert template.startswith("{{resolve:secretsmanager:${") and template.endswith(
        ":SecretString}}"
    )
    name = template.split("${")[1].split("}")[0]
    return variables.get(name, {"Ref": name})


def test_a_request_without_the_header_gets_403_and_only_the_header_reaches_the_instances(templates):
    listeners = resources(templates, "app", "AWS::ElasticLoadBalancingV2::Listener")
    assert list(listeners) == ["HttpsListener"]
    (default,) = listeners["HttpsListener"]["DefaultActions"]
    assert default["Type"] == "fixed-response"
    assert default["FixedResponseConfig"]["StatusCode"] == "403"
    rules = resources(templates, "app", "AWS::ElasticLoadBalancingV2::ListenerRule")
    (rule,) = rules.values()
    assert rule["ListenerArn"] == {"Ref": "HttpsListener"}
    (condition,) = rule["Conditions"]
    assert condition["Field"] == "http-header"
    assert condition["HttpHeaderConfig"]["HttpHeaderName"] == HEADER
    (value,) = condition["HttpHeaderConfig"]["Values"]
    assert secret_of({"Fn::Sub": value["Fn::Sub"]}) == {"Ref": "OriginSecret"}
    assert rule["Actions"] == [{"Type": "forward", "TargetGroupArn": {"Ref": "TargetGroup"}}]


def test_cloudfront_sends_the_secret_the_listener_wants(templates):
    config = templates["edge"]["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    app = next(o for o in config["Origins"] if o["Id"] == "app")
    (header,) = app["OriginCustomHeaders"]
    assert header["HeaderName"] == HEADER
    assert secret_of(header["HeaderValue"]) == {
        "Fn::ImportValue": {"Fn::Sub": "${ParentAppStack}-OriginSecretArn"}
    }
    output = templates["app"]["Outputs"]["OriginSecretArn"]
    assert output["Value"] == {"Ref": "OriginSecret"}
    assert output["Export"]["Name"] == {"Fn::Sub": "${AWS::StackName}-OriginSecretArn"}
    secret = templates["app"]["Resources"]["OriginSecret"]["Properties"]["GenerateSecretString"]
    assert secret["PasswordLength"] >= 32


def driver(monkeypatch, endpoint):
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    return ops.Driver(ops.Environment("cblog-lock", AWS_REGION, {}))


def test_the_tool_gives_the_security_stack_the_regions_cloudfront_prefix_list(
    monkeypatch, moto_server, aws_client
):
    found = driver(monkeypatch, moto_server).cloudfront_prefix_list()
    (listed,) = aws_client("ec2").describe_managed_prefix_lists(PrefixListIds=[found])[
        "PrefixLists"
    ]
    assert listed["PrefixListName"] == "com.amazonaws.global.cloudfront.origin-facing"


def test_a_region_without_the_prefix_list_is_refused_with_its_name(monkeypatch, moto_server):
    tool = driver(monkeypatch, moto_server)
    monkeypatch.setattr(tool.ec2, "describe_managed_prefix_lists", lambda **_: {"PrefixLists": []})
    with pytest.raises(ops.DeployError, match=re.escape(ops.CLOUDFRONT_PREFIX_LIST)):
        tool.cloudfront_prefix_list()
