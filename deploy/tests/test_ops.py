"""The lifecycle commands against moto behind a gate that refuses IAM without its capability.

The commands run as deploy/README.md writes them (`make <step> ENV=...`), in a fresh moto
account, from an empty account to a running environment, an update, a release, and back.
"""

import json
import os
import re
import subprocess

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import AWS_REGION, running_proxy
from deploy import ops

from .conftest import (
    DEPLOY,
    REPO,
    STACK_ORDER,
    CloudFormationGate,
    deleted_stacks_without_outputs,
    load_template,
)

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

ACCOUNT = "210987654321"
NAME = "cblog-life"
DOMAIN = "life.example.com"
IMAGE_PARAMETER = "/cblog-life/ubuntu-ami"
EXAMPLE = DEPLOY / "environments" / "example.json"
README = DEPLOY / "README.md"
COMMAND = re.compile(r"^make (up|release|status|down) ENV=deploy/environments/[\w.-]+\.json$")


@pytest.fixture(scope="module")
def gate(moto_server, rds_ca_bundle):
    with running_proxy(moto_server) as proxy, deleted_stacks_without_outputs():
        proxy.rewrite = CloudFormationGate(ACCOUNT)
        proxy.ca = rds_ca_bundle.as_uri()  # where `make release` fetches the database's CA bundle
        yield proxy


@pytest.fixture(scope="module")
def client(gate):
    return lambda service: boto3.client(service, region_name=AWS_REGION, endpoint_url=gate.url)


@pytest.fixture(scope="module")
def environment(client, tmp_path_factory):
    """The example environment file with this account's certificate, zone and AMI parameter."""
    # The public Canonical parameter lives under /aws/, which moto reserves: a look-alike.
    client("ssm").put_parameter(Name=IMAGE_PARAMETER, Type="String", Value=images(client)[0])
    certificate = client("acm").request_certificate(DomainName=DOMAIN)["CertificateArn"]
    zone = client("route53").create_hosted_zone(Name="example.com.", CallerReference="life")
    environment = json.loads(EXAMPLE.read_text())
    environment["Name"] = NAME
    environment["Region"] = AWS_REGION
    environment["ImageParameter"] = IMAGE_PARAMETER
    environment["Parameters"]["app"] |= {"DomainName": DOMAIN, "CertificateArn": certificate}
    environment["Parameters"]["edge"] |= {
        "DomainName": DOMAIN,
        "HostedZoneId": zone["HostedZone"]["Id"].split("/")[-1],
    }
    path = tmp_path_factory.mktemp("env") / "life.json"
    path.write_text(json.dumps(environment))
    return path


def images(client):
    return sorted(image["ImageId"] for image in client("ec2").describe_images()["Images"])[:2]


def readme_commands():
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def make(gate, environment, command, **extra):
    step = COMMAND.match(command)[1]
    result = subprocess.run(
        ["make", "--no-print-directory", step, f"ENV={environment}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "AWS_ENDPOINT_URL": gate.url, "RDS_CA_BUNDLE_URL": gate.ca, **extra},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def stacks(client):
    summaries = client("cloudformation").list_stacks()["StackSummaries"]
    return {s["StackName"]: s for s in summaries if s["StackStatus"] != "DELETE_COMPLETE"}


def parameters(client, layer):
    stack = client("cloudformation").describe_stacks(StackName=f"{NAME}-{layer}")["Stacks"][0]
    return {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}


def keys(client, bucket):
    versions = client("s3").list_object_versions(Bucket=bucket)
    return {v["Key"] for v in versions.get("Versions", []) + versions.get("DeleteMarkers", [])}


def test_readme_shows_only_the_lifecycle_commands_in_order():
    commands = [COMMAND.match(line)[1] for line in readme_commands()]
    assert commands == ["up", "status", "up", "release", "down"]


def test_the_readme_commands_take_an_empty_account_to_a_site_and_back(gate, client, environment):
    commands = iter(readme_commands())
    assert stacks(client) == {}

    out = make(gate, environment, next(commands))  # up
    assert set(stacks(client)) == {f"{NAME}-{layer}" for layer in STACK_ORDER}
    artifacts = ops_outputs(client, "artifacts")["ArtifactBucket"]
    stored = keys(client, artifacts)
    assert any(re.fullmatch(r"lambda/lambda_indexer-\w+\.zip", key) for key in stored)
    assert parameters(client, "data")["DatabaseUserCodeKey"] in stored
    assert parameters(client, "app")["ReleaseKey"] in stored
    first_image, next_image = images(client)
    assert parameters(client, "app")["ImageId"] == first_image
    assert parameters(client, "data")["DeletionProtection"] == "true"
    (metrics,) = client("logs").describe_log_groups(logGroupNamePrefix="RDSOSMetrics")["logGroups"]
    assert metrics["retentionInDays"] == 365
    failover = ops_outputs(client, "edge")["FailoverBucket"]
    assert {"index.html", "failover/index.html"} <= keys(client, failover)
    assert f"site: https://{DOMAIN}/" in out
    edge = ops_outputs(client, "edge")
    monitoring = parameters(client, "monitoring")
    assert monitoring["DistributionId"] == edge["DistributionId"]
    assert monitoring["HealthCheckId"] == edge["HealthCheckId"]
    assert (
        monitoring["AlarmEmail"]
        == json.loads(environment.read_text())["Parameters"]["data"]["AlarmEmail"]
    )

    out = make(gate, environment, next(commands))  # status
    assert f"{NAME}-app: CREATE_COMPLETE" in out or f"{NAME}-app: UPDATE_COMPLETE" in out
    assert "LoadBalancerDnsName = " in out

    # Canonical publishes a new image: an update that is not a release leaves the fleet alone.
    client("ssm").put_parameter(Name=IMAGE_PARAMETER, Value=next_image, Overwrite=True)
    out = make(gate, environment, next(commands))  # up again: nothing to change
    assert out.count(": up to date") == len(STACK_ORDER)
    assert parameters(client, "app")["ImageId"] == first_image

    make(gate, environment, next(commands), RELEASE_VERSION="v2-test")  # release
    assert parameters(client, "app")["ReleaseKey"] == "releases/cblog-v2-test.tar.gz"
    assert parameters(client, "app")["ImageId"] == next_image
    assert "releases/cblog-v2-test.tar.gz" in keys(client, artifacts)

    # Versions and delete markers in the buckets that the stacks delete, and in the kept one.
    log_bucket = ops_outputs(client, "data")["LogBucket"]
    media = ops_outputs(client, "data")["MediaBucket"]
    for bucket in (failover, log_bucket, media):
        client("s3").put_object(Bucket=bucket, Key="extra.txt", Body=b"1")
        client("s3").put_object(Bucket=bucket, Key="extra.txt", Body=b"2")
        client("s3").delete_object(Bucket=bucket, Key="extra.txt")
        client("s3").put_object(Bucket=bucket, Key="kept.txt", Body=b"3")

    out = make(gate, environment, next(commands))  # down
    assert stacks(client) == {}
    assert gate.rewrite.refusals == []
    buckets = {b["Name"] for b in client("s3").list_buckets()["Buckets"]}
    assert buckets == {artifacts, media}
    assert "kept.txt" in keys(client, media)
    assert "kept on purpose: the media bucket" in out
    assert "kept on purpose: the artifact bucket" in out
    assert "kept on purpose: the log group RDSOSMetrics" in out
    assert stored <= keys(client, artifacts)


def ops_outputs(client, layer):
    stack = client("cloudformation").describe_stacks(StackName=f"{NAME}-{layer}")["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def test_the_gate_refuses_iam_resources_without_the_capability(client):
    template = (DEPLOY / "cloudformation" / "network.yaml").read_text()
    with pytest.raises(ClientError) as refused:
        client("cloudformation").create_stack(StackName="cblog-gate-network", TemplateBody=template)
    assert refused.value.response["Error"]["Code"] == "InsufficientCapabilitiesException"
    assert "cblog-gate-network" not in stacks(client)


@pytest.mark.parametrize("layer", STACK_ORDER)
def test_capabilities_are_those_the_template_needs(layer):
    iam = any(
        r["Type"].startswith("AWS::IAM::") for r in load_template(layer)["Resources"].values()
    )
    assert ops.capabilities(ops.read_template(layer)) == (["CAPABILITY_IAM"] if iam else [])


def test_a_named_iam_resource_needs_the_named_capability():
    template = """
Resources:
  Role:
    Type: 'AWS::IAM::Role'
    Properties:
      RoleName: !Sub '${AWS::StackName}-role'
"""
    assert ops.capabilities(template) == ["CAPABILITY_NAMED_IAM"]


@pytest.mark.parametrize("layer", STACK_ORDER)
def test_the_example_environment_gives_every_required_parameter(layer):
    environment = ops.Environment.load(EXAMPLE)
    managed = {
        "security": {"CloudFrontPrefixListId": "pl-3b927c52"},
        "data": {
            "IndexerCodeKey": "lambda/x.zip",
            "DatabaseUserCodeKey": "lambda/y.zip",
            "DeletionProtection": "true",
        },
        "app": {"ReleaseKey": "releases/x.tar.gz", "ImageId": "ami-0123456789abcdef0"},
        "monitoring": {"DistributionId": "E2QWRUHAPOMQZL", "HealthCheckId": "abc-123"},
    }
    given = environment.parameters_for(layer, ops.read_template(layer), managed.get(layer, {}))
    declared = load_template(layer)["Parameters"]
    required = {key for key, value in declared.items() if "Default" not in value}
    assert required <= {p["ParameterKey"] for p in given}


@pytest.mark.parametrize("name", ["Cblog-prod", "cblog_prod", "9cblog", "c" * 41])
def test_an_environment_name_that_cannot_name_the_database_is_refused_before_anything_is_sent(
    name, tmp_path
):
    environment = json.loads(EXAMPLE.read_text()) | {"Name": name}
    path = tmp_path / "env.json"
    path.write_text(json.dumps(environment))
    with pytest.raises(ops.DeployError, match="lower-case"):
        ops.Environment.load(path)


def test_an_account_wide_log_group_that_exists_without_retention_gets_the_data_stacks(client):
    logs = client("logs")
    if not logs.describe_log_groups(logGroupNamePrefix="RDSOSMetrics")["logGroups"]:
        logs.create_log_group(logGroupName="RDSOSMetrics")
    logs.delete_retention_policy(logGroupName="RDSOSMetrics")  # as RDS makes it
    driver = ops.Driver(ops.Environment.load(EXAMPLE))
    driver.logs = logs
    driver.env.parameters["data"]["LogRetentionInDays"] = "90"
    driver.keep_account_log_groups()
    (group,) = logs.describe_log_groups(logGroupNamePrefix="RDSOSMetrics")["logGroups"]
    assert group["retentionInDays"] == 90


def refusal(tmp_path, **changes):
    environment = json.loads(EXAMPLE.read_text())
    for key, value in changes.items():
        if key in ("app", "edge"):
            environment["Parameters"][key] |= value
        else:
            environment[key] = value
    path = tmp_path / "env.json"
    path.write_text(json.dumps(environment))
    with pytest.raises(ops.DeployError) as refused:
        ops.Environment.load(path)
    return str(refused.value)


def test_a_region_the_templates_do_not_know_is_refused_by_name(tmp_path):
    assert "region xx-new-1 is not one the templates know" in refusal(tmp_path, Region="xx-new-1")


def test_a_load_balancer_certificate_from_another_region_is_refused(tmp_path):
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0"
    message = refusal(tmp_path, app={"CertificateArn": arn})
    assert "app stack's CertificateArn is in eu-west-1, it must be in us-east-1" in message


def test_a_cloudfront_certificate_outside_us_east_1_is_refused(tmp_path):
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/1"
    app = {"CertificateArn": arn.replace("/1", "/0")}  # right for the load balancer
    message = refusal(tmp_path, Region="eu-west-1", app=app, edge={"CertificateArn": arn})
    assert "edge stack's CertificateArn is in eu-west-1, it must be in us-east-1" in message
