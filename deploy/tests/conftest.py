"""Fixtures for the deploy bundle: parsed templates and a moto-ready copy of each."""

import json
import re
from pathlib import Path

import pytest
from cfnlint.decode import decode

DEPLOY = Path(__file__).resolve().parent.parent
REPO = DEPLOY.parent
TEMPLATES = DEPLOY / "cloudformation"
# Dependency order: each stack imports exports of the ones before it.
STACK_ORDER = ["artifacts", "network", "security", "data", "app", "edge"]
# Attributes that moto's models do not implement, though it builds the resource.
MOTO_MISSING_ATTRIBUTES = {"AWS::RDS::DBInstance": {"MasterUserSecret.SecretArn"}}


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


def for_moto(template, defaults=None):
    """The template minus the resource types and attributes moto's CloudFormation cannot build.

    moto skips those types but still fails a stack whose Fn::GetAtt names one, so every Ref,
    Fn::GetAtt and ${...} pointing at a removed resource becomes a "stub-<id>" string. What the
    removed resources say is asserted on the parsed template instead.
    """
    template = json.loads(json.dumps(template))
    # moto resolves SSM-typed defaults even when a value is given, so they are replaced here.
    for name, value in (defaults or {}).items():
        template["Parameters"][name]["Default"] = value
    removed = {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if not supported_by_moto(resource["Type"])
    }
    types = {logical_id: r["Type"] for logical_id, r in template["Resources"].items()}
    for logical_id in removed:
        del template["Resources"][logical_id]

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
