"""cdk-nag: the rule packs the app is checked against, and acknowledgements.

cdk-nag 3.x is a CDK policy-validation plugin: ``add_checks`` registers the
AWS Solutions and Serverless packs with ``Validations.of(app)``, so
``app.synth()`` fails on any unacknowledged error and reports warnings.
``findings`` runs the same packs on a construct tree and returns what they
report, for the tests.

Every acknowledgement names one rule (or one finding of a rule, such as one
wildcard resource) on one construct, with the reason it is acceptable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from cdk_nag import AwsSolutionsChecks, NagPack, ServerlessChecks
from constructs import IConstruct


def packs(scope: IConstruct | None = None) -> list[NagPack]:
    """The rule packs this project is held to."""
    return [AwsSolutionsChecks(scope), ServerlessChecks(scope)]


def add_checks(app: IConstruct) -> None:
    """Check the whole app with the rule packs when it is synthesized."""
    Validations.of(app).add_plugins(*packs(app))


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    """Accept one finding on ``construct`` (and the resources under it), with why."""
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def flatten_reference(value: Any) -> str:
    """Render a resolved CloudFormation value the way cdk-nag names IAM findings.

    ``{"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket1", "Arn"]}, "/uploads/*"]]}``
    becomes ``<Bucket1.Arn>/uploads/*`` (cdk-nag's ``flattenCfnReference``).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("${", "<").replace("}", ">")
    if isinstance(value, dict):
        if "Fn::Join" in value:
            delimiter, items = value["Fn::Join"]
            return str(delimiter).join(flatten_reference(i) for i in items)
        if "Fn::Sub" in value:
            return flatten_reference(value["Fn::Sub"])
        if "Fn::GetAtt" in value:
            resource, attribute = value["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Fn::ImportValue" in value:
            return flatten_reference(value["Fn::ImportValue"])
        if "Ref" in value:
            return f"<{flatten_reference(value['Ref'])}>"
    return json.dumps(value)


def wildcard_resource_finding(scope: IConstruct, arn: str) -> str:
    """The AwsSolutions-IAM5 finding id of a wildcard resource ``arn`` (a token)."""
    return f"AwsSolutions-IAM5[Resource::{flatten_reference(Stack.of(scope).resolve(arn))}]"


@dataclass(frozen=True)
class Finding:
    """One unacknowledged rule violation on one resource."""

    rule: str
    severity: str  # "error" or "warning"
    path: str
    description: str

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.rule} at {self.path}: {self.description}"


def findings(scope: IConstruct) -> list[Finding]:
    """Run the rule packs over ``scope``; what they report that nothing acknowledges."""
    found: list[Finding] = []
    for pack in packs():
        report = pack.validate_scope(scope)
        for violation in report.violations:
            for resource in violation.violating_resources:
                found.append(
                    Finding(
                        rule=violation.rule_name,
                        severity=str(violation.severity or "error"),
                        path=str(resource.construct_path or resource.resource_logical_id),
                        description=violation.description,
                    )
                )
    return found
