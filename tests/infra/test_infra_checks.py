"""Static checks of the synthesized stack: cdk-nag rule packs and cfn-lint."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import ManualArgs, lint

from recruiting_infra import nag

pytestmark = pytest.mark.infra

# CDK adds DependsOn entries that a GetAtt already implies; harmless and not ours.
CDK_GENERATED_LINT = {"W3005"}


@pytest.fixture(scope="session")
def nag_findings(synthesized) -> list[nag.Finding]:
    return nag.findings(synthesized.app)


@pytest.mark.parametrize("pack", ["AwsSolutions", "Serverless"])
def test_rule_pack_reports_no_unacknowledged_error(nag_findings, pack):
    # Given the findings of a cdk-nag pack on the whole app
    errors = [str(f) for f in nag_findings if f.rule.startswith(pack) and f.severity == "error"]
    # Then every error is fixed or acknowledged with a reason
    assert errors == []


@pytest.mark.parametrize("pack", ["AwsSolutions", "Serverless"])
def test_rule_pack_reports_no_unacknowledged_warning(nag_findings, pack):
    # Given the findings of a cdk-nag pack on the whole app
    warnings = [str(f) for f in nag_findings if f.rule.startswith(pack) and f.severity != "error"]
    # Then every warning is fixed or acknowledged with a reason
    assert warnings == []


def test_cfn_lint_finds_no_problem_in_the_template(synthesized):
    # Given the synthesized template
    template = json.dumps(synthesized.template.to_json())
    # When cfn-lint checks it for two regions
    matches = lint(template, config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    # Then it reports no error, and no warning other than CDK's redundant DependsOn
    problems = [f"{m.rule.id} {m.message}" for m in matches if m.rule.id not in CDK_GENERATED_LINT]
    assert problems == []
