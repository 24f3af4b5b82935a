"""Fixtures for the deploy bundle: parsed templates and a moto-ready copy of each."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
from contextlib import contextmanager
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest
import trustme
from cfnlint.decode import decode, decode_str

from conftest import AWS_REGION, ProxyAnswer
from scripts.ports import free_port
from scripts.stack.processes import wait_for

DEPLOY = Path(__file__).resolve().parent.parent
REPO = DEPLOY.parent
TEMPLATES = DEPLOY / "cloudformation"
# Dependency order: each stack imports exports of the ones before it.
STACK_ORDER = ["artifacts", "network", "security", "data", "app", "edge", "monitoring"]
# Attributes that moto's models do not implement, though it builds the resource.
MOTO_MISSING_ATTRIBUTES = {
    "AWS::RDS::DBInstance": {"MasterUserSecret.SecretArn"},
    "AWS::ElasticLoadBalancingV2::TargetGroup": {"TargetGroupFullName"},
}
# Properties that moto ignores but whose change makes it drop a resource it cannot update, or
# that it mishandles (a parameter group by Ref reaches its RDS model as an object, not a name).
MOTO_IGNORED_PROPERTIES = {"AWS::RDS::DBInstance": {"DeletionProtection", "DBParameterGroupName"}}


@pytest.fixture(scope="session")
def rds_ca_bundle(tmp_path_factory):
    """A CA bundle for releases to ship in place of RDS's, which this machine cannot fetch."""
    path = tmp_path_factory.mktemp("rds-ca") / "bundle.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="session")
def tls_mariadb(tmp_path_factory):
    """mariadbd with a certificate for "localhost" from its own CA, refusing plain connections,
    like RDS; root has no password."""
    if not shutil.which("mariadbd", path="/usr/sbin:/usr/bin"):
        pytest.skip("mariadbd is not installed (scripts/start-mariadb)")
    folder = tmp_path_factory.mktemp("tls-db")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    served = ca.issue_cert("localhost")
    served.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    served.private_key_pem.write_to_path(str(folder / "key.pem"))
    subprocess.run(
        ["/usr/bin/mariadb-install-db", "--no-defaults", f"--datadir={folder / 'data'}",
         "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db"],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    process = subprocess.Popen(
        ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={folder / 'data'}", "--user=root",
         f"--socket={folder / 'mariadb.sock'}", f"--port={port}", "--bind-address=127.0.0.1",
         "--skip-log-bin", "--innodb-buffer-pool-size=16M", "--require-secure-transport=ON",
         f"--ssl-ca={folder / 'ca.pem'}", f"--ssl-cert={folder / 'cert.pem'}",
         f"--ssl-key={folder / 'key.pem'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: _port_open(port), "TLS MariaDB")
        yield {"port": port, "ca": folder / "ca.pem"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def _port_open(port):
    with socket.create_connection(("127.0.0.1", port), 1):
        return True


def load_template(name):
    template, matches = decode(str(TEMPLATES / f"{name}.yaml"))
    assert not matches, matches
    return template


@pytest.fixture(scope="session")
def templates():
    return {name: load_template(name) for name in STACK_ORDER}


def supported_by_moto(resource_type):
    from moto.cloudformation.parsing import get_model_map

    return resource_type in get_model_map()


def for_moto(template):
    """The template minus the resource types and attributes moto's CloudFormation cannot build.

    moto skips those types but still fails a stack whose Fn::GetAtt names one, so every Ref,
    Fn::GetAtt and ${...} pointing at a removed resource becomes a "stub-<id>" string. What the
    removed resources say is asserted on the parsed template instead.
    """
    template = json.loads(json.dumps(template))
    removed = {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if not supported_by_moto(resource["Type"])
    }
    types = {logical_id: r["Type"] for logical_id, r in template["Resources"].items()}
    for logical_id in removed:
        del template["Resources"][logical_id]
    for resource in template["Resources"].values():
        for name in MOTO_IGNORED_PROPERTIES.get(resource["Type"], ()):
            resource["Properties"].pop(name, None)
        # moto knows only Retain; a stack that was created keeps such a resource on delete.
        if resource.get("DeletionPolicy") == "RetainExceptOnCreate":
            resource["DeletionPolicy"] = "Retain"

    def missing(logical_id, attribute):
        return logical_id in removed or attribute in MOTO_MISSING_ATTRIBUTES.get(
            types.get(logical_id), ()
        )

    def stub(match):
        return f"stub-{match[1].split('.')[0].lower()}"

    def clean(node):
        if isinstance(node, dict):
            if node.keys() == {"Ref"} and node["Ref"] in removed:
                return f"stub-{node['Ref'].lower()}"
            if node.keys() == {"Fn::GetAtt"} and missing(*node["Fn::GetAtt"]):
                return f"stub-{node['Fn::GetAtt'][0].lower()}"
            return {key: clean(value) for key, value in node.items()}
        if isinstance(node, list):
            return [clean(value) for value in node]
        if isinstance(node, str) and removed:
            names = "|".join(map(re.escape, removed))
            pattern = rf"\$\{{((?:{names})(?:\.[A-Za-z.]+)?)\}}"
            return re.sub(pattern, stub, node)
        return node

    template = clean(template)
    for resource in template["Resources"].values():
        depends = resource.get("DependsOn")
        if isinstance(depends, str):
            depends = [depends]
        if depends is not None:
            kept = [name for name in depends if name not in removed]
            resource.pop("DependsOn")
            if kept:
                resource["DependsOn"] = kept
    # Outputs of removed resources are stubs too; moto exports them like any other value.
    return json.dumps(template)


# CloudFormation refuses a template with IAM resources unless the request acknowledges them.
IAM_NAMES = {"RoleName", "UserName", "GroupName", "InstanceProfileName", "ManagedPolicyName"}


def required_capability(template):
    iam = [r for r in template["Resources"].values() if r["Type"].startswith("AWS::IAM::")]
    if any(IAM_NAMES & set(r.get("Properties", {})) for r in iam):
        return "CAPABILITY_NAMED_IAM"
    return "CAPABILITY_IAM" if iam else None


def error_answer(code, message):
    body = (
        '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(message)}</Message>"
        "</Error><RequestId>harness</RequestId></ErrorResponse>"
    )
    return ProxyAnswer(400, body.encode())


class CloudFormationGate:
    """In front of moto, what it lacks: CloudFormation's refusals, and templates it can build.

    Every request goes to a fresh moto account. CreateStack and UpdateStack are refused when the
    template declares IAM resources and the request does not name the matching capability; an
    UpdateStack that sends the template and parameters already deployed gets "No updates are to
    be performed." (moto compares its resolved parameters, defaults included, and never says
    so). The template then reaches moto through for_moto.
    """

    def __init__(self, account_id):
        self.account_id = account_id
        self.refusals = []
        self.deployed = {}

    def __call__(self, request):
        request.headers["x-moto-account-id"] = self.account_id
        if request.method != "POST" or b"Action=" not in request.body:
            return None
        form = parse_qs(request.body.decode(), keep_blank_values=True)
        action, name = form.get("Action", [""])[0], form.get("StackName", [""])[0]
        if action == "DeleteStack":
            if full := self.full_buckets(name):
                self.refusals.append(name)
                return error_answer("DeleteFailed", f"The buckets {full} are not empty.")
            self.deployed = {k: v for k, v in self.deployed.items() if not name.endswith(k)}
            self.delete_route_tables(name)
        if action not in ("CreateStack", "UpdateStack"):
            return None
        sent = (form["TemplateBody"][0], sorted((k, v) for k, v in form.items() if "Param" in k))
        if action == "UpdateStack" and self.deployed.get(name) == sent:
            return error_answer("ValidationError", "No updates are to be performed.")
        template = decode_str(form["TemplateBody"][0])[0]
        given = {v[0] for k, v in form.items() if k.startswith("Capabilities.member.")}
        required = required_capability(template)
        if required and required not in given and "CAPABILITY_NAMED_IAM" not in given:
            self.refusals.append(form["StackName"][0])
            return error_answer(
                "InsufficientCapabilitiesException", f"Requires capabilities : [{required}]"
            )
        self.deployed[name] = sent
        form["TemplateBody"] = [for_moto(template)]
        request.body = urlencode(form, doseq=True).encode()
        return None

    def resources(self, stack_name, resource_type):
        """(resource, its template entry) of that type in the named stack, from moto's state."""
        from moto.cloudformation.models import cloudformation_backends

        for stack in cloudformation_backends[self.account_id][AWS_REGION].stacks.values():
            if stack_name in (stack.name, stack.stack_id):
                declared = stack.template_dict["Resources"]
                for resource in stack.stack_resources:
                    if getattr(resource, "cf_resource_type", None) == resource_type:
                        yield resource, declared[resource.logical_resource_id]

    def full_buckets(self, stack_name):
        """Buckets the delete would remove that still hold a version or a delete marker.

        CloudFormation cannot delete them and ends in DELETE_FAILED; moto skips them quietly.
        """
        from moto.s3.models import s3_backends

        buckets = s3_backends[self.account_id]["aws"].buckets
        return [
            bucket.name
            for bucket, declared in self.resources(stack_name, "AWS::S3::Bucket")
            if declared.get("DeletionPolicy") != "Retain"
            and any(versions for _, versions in buckets[bucket.name].keys.lists())
        ]

    def delete_route_tables(self, stack_name):
        """moto's CloudFormation keeps a deleted stack's route tables, and then its VPC."""
        from moto.ec2.models import ec2_backends

        ec2 = ec2_backends[self.account_id][AWS_REGION]
        for table, _ in list(self.resources(stack_name, "AWS::EC2::RouteTable")):
            for association in list(table._associations):
                ec2.disassociate_route_table(association)
            ec2.delete_route_table(table.id)


@contextmanager
def deleted_stacks_without_outputs():
    """moto builds a deleted stack's outputs on DescribeStacks, creating their resources again."""
    from moto.cloudformation.models import Stack

    outputs = Stack.outputs

    def live_outputs(stack):
        return [] if stack.status == "DELETE_COMPLETE" else outputs.fget(stack)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stack, "outputs", property(live_outputs))
        yield
