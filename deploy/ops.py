"""One command per lifecycle step of a cblog environment, driven by one parameter file.

    python -m deploy.ops {up,release,status,down} deploy/environments/<name>.json

The stacks are created or updated in dependency order, each with the capabilities its template
needs; every wait prints the stack's events as they come, and a failure prints the reason of
each resource that failed. Running a step twice changes nothing the second time.
"""

import argparse
import hashlib
import json
import mimetypes
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import yaml
from botocore.exceptions import ClientError

from deploy import database_user, release
from lambda_indexer import build_zip

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
TEMPLATES = DEPLOY / "cloudformation"
FAILOVER_SITE = DEPLOY / "failover"
# Dependency order: each stack imports exports of the ones before it.
LAYERS = ["artifacts", "network", "security", "data", "app", "edge", "monitoring"]
# CloudFront's and Route 53's metrics and CloudFront's log delivery exist only in us-east-1.
FIXED_REGIONS = {"monitoring": "us-east-1"}
POLL_SECONDS = 10
FAILED = ("FAILED", "ROLLBACK")
# Kept on purpose by `down` (DeletionPolicy), so that no upload or data is lost.
KEPT = {
    "artifacts": "the artifact bucket (every release and indexer zip)",
    "data": "the media bucket (every upload) and the database's final snapshot",
}
# RDS enhanced monitoring writes every database's OS metrics of the account and region here, into
# a group it creates without retention: the tool makes it first, with the data stack's retention.
ACCOUNT_LOG_GROUPS = ["RDSOSMetrics"]
# Canonical's current Ubuntu 24.04 LTS amd64 image; an environment file may name another parameter.
IMAGE_PARAMETER = (
    "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
)
# Stack names become the database's identifier, which RDS lowers, and its log groups' names.
NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
# The addresses CloudFront reaches origins from; the load balancer admits no others.
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"


class DeployError(Exception):
    pass


def read_template(layer):
    return (TEMPLATES / f"{layer}.yaml").read_text()


class _TemplateLoader(yaml.SafeLoader):
    """Reads CloudFormation YAML: short-form intrinsics (!Ref, !Sub…) become their long form."""


def _intrinsic(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        return {name: value.split(".", 1) if suffix == "GetAtt" else value}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}


_TemplateLoader.add_multi_constructor("!", _intrinsic)

# IAM resources whose name the template sets need CAPABILITY_NAMED_IAM instead of CAPABILITY_IAM.
IAM_NAME_PROPERTIES = {
    "RoleName",
    "UserName",
    "GroupName",
    "InstanceProfileName",
    "ManagedPolicyName",
}


def capabilities(template_text):
    """The capabilities CloudFormation demands before it creates this template's resources."""
    template = yaml.load(template_text, Loader=_TemplateLoader)  # noqa: S506 (a SafeLoader)
    needed = set()
    for resource in template.get("Resources", {}).values():
        if resource["Type"].startswith("AWS::IAM::"):
            named = IAM_NAME_PROPERTIES & set(resource.get("Properties", {}))
            needed.add("CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM")
    if template.get("Transform"):
        needed.add("CAPABILITY_AUTO_EXPAND")
    return sorted(needed)


def known_regions():
    """The regions whose S3 website endpoint the edge stack's failover record can alias."""
    template = yaml.load(read_template("edge"), Loader=_TemplateLoader)  # noqa: S506
    return set(template["Mappings"]["S3Website"])


@dataclass
class Environment:
    name: str
    region: str
    parameters: dict
    image_parameter: str = IMAGE_PARAMETER

    @classmethod
    def load(cls, path):
        data = json.loads(Path(path).read_text())
        region = data["Region"]
        if region not in known_regions():
            raise DeployError(
                f"{path}: region {region} is not one the templates know: add its S3 website "
                "endpoint to the S3Website mapping of deploy/cloudformation/edge.yaml"
            )
        for layer, wanted in (("app", region), ("edge", "us-east-1")):
            arn = data.get("Parameters", {}).get(layer, {}).get("CertificateArn", "")
            if arn.count(":") >= 5 and arn.split(":")[3] != wanted:
                raise DeployError(
                    f"{path}: the {layer} stack's CertificateArn is in {arn.split(':')[3]}, "
                    f"it must be in {wanted}"
                    + (
                        " (CloudFront takes certificates from there only)"
                        if layer == "edge"
                        else ""
                    )
                )
        if not NAME.match(data["Name"]):
            raise DeployError(
                f"{path}: Name {data['Name']!r} must be lower-case letters, digits and hyphens, "
                "at most 40, starting with a letter (it names the stacks and the database)"
            )
        return cls(
            data["Name"],
            data["Region"],
            data.get("Parameters", {}),
            data.get("ImageParameter", IMAGE_PARAMETER),
        )

    def stack_name(self, layer):
        return f"{self.name}-{layer}"

    def parameters_for(self, layer, template_text, managed):
        """The file's values for this layer, the parent stacks' names, and the driver's own."""
        declared = yaml.load(template_text, Loader=_TemplateLoader).get("Parameters", {})  # noqa: S506
        values = dict(self.parameters.get(layer, {}))
        for parent in LAYERS:
            key = f"Parent{parent.capitalize()}Stack"
            if key in declared:
                values[key] = self.stack_name(parent)
        values.update(managed)
        unknown = set(values) - set(declared)
        if unknown:
            raise DeployError(f"{layer}: the template has no parameters {sorted(unknown)}")
        return [{"ParameterKey": k, "ParameterValue": str(v)} for k, v in sorted(values.items())]


class Driver:
    def __init__(self, environment, out=sys.stdout):
        self.env = environment
        self.out = out
        session = boto3.session.Session(region_name=environment.region)
        regions = {environment.region, *FIXED_REGIONS.values()}
        self.cloudformation = {r: session.client("cloudformation", region_name=r) for r in regions}
        self.s3 = session.client("s3")
        self.ec2 = session.client("ec2")
        self.logs = session.client("logs")
        self.ssm = session.client("ssm")

    def say(self, message):
        print(message, file=self.out, flush=True)

    # Stacks

    def describe(self, layer):
        try:
            stacks = self.stacks(layer).describe_stacks(StackName=self.env.stack_name(layer))
        except ClientError as error:
            if "does not exist" in error.response["Error"]["Message"]:
                return None
            raise
        stack = stacks["Stacks"][0]
        return None if stack["StackStatus"] == "DELETE_COMPLETE" else stack

    def stacks(self, layer):
        """The CloudFormation client of the layer's region."""
        return self.cloudformation[FIXED_REGIONS.get(layer, self.env.region)]

    def outputs(self, layer):
        stack = self.describe(layer) or {}
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def current_parameter(self, layer, key):
        stack = self.describe(layer) or {}
        values = {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])}
        return values.get(key)

    def deploy(self, layer, **managed):
        """Creates or updates one stack and waits for it; returns True when it was created."""
        name = self.env.stack_name(layer)
        text = read_template(layer)
        request = {
            "StackName": name,
            "TemplateBody": text,
            "Parameters": self.env.parameters_for(layer, text, managed),
            "Capabilities": capabilities(text),
        }
        stack = self.describe(layer)
        if stack and stack["StackStatus"] == "ROLLBACK_COMPLETE":
            # A failed first create leaves a stack that can only be deleted.
            self.say(f"{name}: removing the rolled-back first attempt")
            self.delete(layer)
            stack = None
        cloudformation = self.stacks(layer)
        since = self.last_event_id(cloudformation, name) if stack else None
        if stack is None:
            self.say(f"{name}: creating")
            cloudformation.create_stack(**request, OnFailure="ROLLBACK")
        else:
            try:
                cloudformation.update_stack(**request)
            except ClientError as error:
                if "No updates are to be performed" in error.response["Error"]["Message"]:
                    self.say(f"{name}: up to date")
                    return False
                raise
            self.say(f"{name}: updating")
        self.wait(cloudformation, name, since)
        return stack is None

    def delete(self, layer):
        name = self.env.stack_name(layer)
        stack = self.describe(layer)
        if stack is None:
            self.say(f"{name}: already gone")
            return
        self.say(f"{name}: deleting")
        cloudformation = self.stacks(layer)
        since = self.last_event_id(cloudformation, name)
        cloudformation.delete_stack(StackName=stack["StackId"])
        self.wait(cloudformation, stack["StackId"], since)

    @staticmethod
    def last_event_id(cloudformation, name):
        events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
        return events[0]["EventId"] if events else None

    @staticmethod
    def new_events(cloudformation, name, since):
        """Events after `since`, oldest first."""
        fresh = []
        for page in cloudformation.get_paginator("describe_stack_events").paginate(StackName=name):
            for event in page["StackEvents"]:
                if event["EventId"] == since:
                    return fresh[::-1]
                fresh.append(event)
        return fresh[::-1]

    def wait(self, cloudformation, name, since):
        """Prints events until the stack settles; raises with every failed resource's reason."""
        failures = []
        while True:
            status = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
            for event in self.new_events(cloudformation, name, since):
                since = event["EventId"]
                reason = event.get("ResourceStatusReason", "")
                self.say(
                    f"  {event['LogicalResourceId']} ({event['ResourceType']}): "
                    f"{event['ResourceStatus']} {reason}".rstrip()
                )
                if event["ResourceStatus"].endswith("FAILED"):
                    failures.append(f"{event['LogicalResourceId']}: {reason}")
            state = status["StackStatus"]
            if not state.endswith("IN_PROGRESS"):
                break
            time.sleep(POLL_SECONDS)
        if any(word in state for word in FAILED):
            details = (
                "\n".join(f"  - {f}" for f in failures) or f"  {status.get('StackStatusReason')}"
            )
            raise DeployError(f"{name} ended in {state}:\n{details}")

    # Artifacts

    def upload_once(self, bucket, key, path):
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
            return key
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
                raise
        self.say(f"uploading s3://{bucket}/{key}")
        self.s3.upload_file(str(path), bucket, key)
        return key

    def upload_indexer(self, bucket):
        with tempfile.TemporaryDirectory() as folder:
            path = build_zip.build(Path(folder) / "lambda_indexer.zip")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            return self.upload_once(bucket, f"lambda/lambda_indexer-{digest}.zip", path)

    def upload_database_user(self, bucket):
        with tempfile.TemporaryDirectory() as folder:
            url = os.environ.get("RDS_CA_BUNDLE_URL") or release.RDS_CA_URL
            path = database_user.build(Path(folder), url)
            return self.upload_once(bucket, f"lambda/{path.name}", path)

    def upload_release(self, bucket):
        with tempfile.TemporaryDirectory() as folder:
            path = release.build(Path(folder))
            return self.upload_once(bucket, f"releases/{path.name}", path)

    def sync_failover_site(self, bucket):
        """The failover page: the root for the S3 website, failover/ for CloudFront's errors."""
        for path in sorted(FAILOVER_SITE.iterdir()):
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            for prefix in ("", "failover/"):
                self.s3.put_object(
                    Bucket=bucket,
                    Key=prefix + path.name,
                    Body=path.read_bytes(),
                    ContentType=content_type,
                    CacheControl="max-age=60",
                )

    def cloudfront_prefix_list(self):
        lists = self.ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT_PREFIX_LIST]}]
        )["PrefixLists"]
        if not lists:
            raise DeployError(
                f"{self.env.region} has no managed prefix list {CLOUDFRONT_PREFIX_LIST}"
            )
        return lists[0]["PrefixListId"]

    def keep_account_log_groups(self):
        """Creates the account-wide groups that AWS would make without retention, or sets it."""
        days = int(self.parameter_value("data", "LogRetentionInDays"))
        for name in ACCOUNT_LOG_GROUPS:
            found = self.logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
            group = next((g for g in found if g["logGroupName"] == name), None)
            if group is None:
                self.logs.create_log_group(logGroupName=name)
            if group is None or "retentionInDays" not in group:
                self.logs.put_retention_policy(logGroupName=name, retentionInDays=days)
                self.say(f"log group {name}: kept {days} days")

    def parameter_value(self, layer, key):
        """The environment file's value, else the template's default."""
        given = self.env.parameters.get(layer, {})
        if key in given:
            return given[key]
        template = yaml.load(read_template(layer), Loader=_TemplateLoader)  # noqa: S506
        return template["Parameters"][key]["Default"]

    def empty_bucket(self, bucket):
        """Deletes every object version and delete marker, so CloudFormation can delete it."""
        deleted = 0
        pages = self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket)
        for page in pages:
            objects = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if objects:
                self.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
                deleted += len(objects)
        self.say(f"emptied s3://{bucket} ({deleted} versions and delete markers)")

    # Steps

    def newest_image(self):
        return self.ssm.get_parameter(Name=self.env.image_parameter)["Parameter"]["Value"]

    def up(self, release_key=None, image_id=None):
        self.deploy("artifacts")
        bucket = self.outputs("artifacts")["ArtifactBucket"]
        code = {
            "IndexerCodeKey": self.upload_indexer(bucket),
            "DatabaseUserCodeKey": self.upload_database_user(bucket),
        }
        release_key = (
            release_key
            or self.current_parameter("app", "ReleaseKey")
            or self.upload_release(bucket)
        )
        self.deploy("network")
        self.deploy("security", CloudFrontPrefixListId=self.cloudfront_prefix_list())
        self.keep_account_log_groups()
        # Protection comes after the first create, so that a failed create can roll back.
        protect = "false" if self.describe("data") is None else "true"
        created = self.deploy("data", **code, DeletionProtection=protect)
        if created:
            self.deploy("data", **code, DeletionProtection="true")
        # The AMI changes only with a release, never because Canonical published a new one.
        image_id = image_id or self.current_parameter("app", "ImageId") or self.newest_image()
        self.deploy("app", ReleaseKey=release_key, ImageId=image_id)
        self.deploy("edge")
        edge = self.outputs("edge")
        self.sync_failover_site(edge["FailoverBucket"])
        self.deploy(
            "monitoring",
            DistributionId=edge["DistributionId"],
            HealthCheckId=edge["HealthCheckId"],
            AlarmEmail=self.env.parameters.get("data", {}).get("AlarmEmail", ""),
        )
        self.status()

    def release(self):
        if self.describe("app") is None:
            raise DeployError("no app stack yet: run `up` first")
        bucket = self.outputs("artifacts")["ArtifactBucket"]
        release_key = self.upload_release(bucket)
        image_id = self.newest_image()
        self.say(f"rolling out {release_key} on {image_id}")
        self.up(release_key=release_key, image_id=image_id)

    def status(self):
        for layer in LAYERS:
            stack = self.describe(layer)
            name = self.env.stack_name(layer)
            if stack is None:
                self.say(f"{name}: not deployed")
                continue
            self.say(f"{name}: {stack['StackStatus']}")
            for output in sorted(stack.get("Outputs", []), key=lambda o: o["OutputKey"]):
                self.say(f"  {output['OutputKey']} = {output['OutputValue']}")
        domain = self.current_parameter("edge", "DomainName")
        if domain:
            self.say(f"site: https://{domain}/")

    def down(self):
        for layer in reversed(LAYERS):
            stack = self.describe(layer)
            if stack is None:
                self.say(f"{self.env.stack_name(layer)}: already gone")
                continue
            if layer == "edge":
                self.empty_bucket(self.outputs("edge")["FailoverBucket"])
            if layer == "data":
                self.unprotect_data()
                self.empty_bucket(self.outputs("data")["LogBucket"])
            self.delete(layer)
        for layer, what in KEPT.items():
            self.say(f"kept on purpose: {what} of {self.env.stack_name(layer)}")
        for name in ACCOUNT_LOG_GROUPS:
            self.say(f"kept on purpose: the log group {name}, shared across the account")

    def unprotect_data(self):
        if self.current_parameter("data", "DeletionProtection") == "false":
            return
        code = ("IndexerCodeKey", "DatabaseUserCodeKey")
        kept = {key: self.current_parameter("data", key) for key in code}
        self.deploy("data", **kept, DeletionProtection="false")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["up", "release", "status", "down"])
    parser.add_argument("environment", help="deploy/environments/<name>.json")
    args = parser.parse_args(argv)
    driver = Driver(Environment.load(args.environment))
    try:
        getattr(driver, args.step)()
    except DeployError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
