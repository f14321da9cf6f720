"""IAM: each function's role holds what its declaration says, and nothing more."""

from __future__ import annotations

import json

import pytest

from recruiting import wiring

pytestmark = pytest.mark.infra


def statements(synthesized, role_construct) -> list[dict]:
    """Every Allow statement of the policies attached to a role."""
    role_id = synthesized.logical_id(role_construct)
    found = []
    for policy in synthesized.of_type("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return [s for s in found if s["Effect"] == "Allow"]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def function_role(synthesized, name: str):
    return synthesized.stack.functions.functions[name].role


def test_intake_reaches_the_resume_bucket_only_under_its_declared_prefixes(synthesized):
    # Given the intake function's declared bucket access
    bucket_id = synthesized.logical_id(synthesized.stack.storage.buckets["resumes"])
    declared = {p for access in wiring.INTAKE.buckets for p in access.prefixes}
    # When the S3 statements of its role are read
    s3 = [
        s
        for s in statements(synthesized, function_role(synthesized, "intake"))
        if any(a.startswith("s3:") for a in as_list(s["Action"]))
    ]
    # Then object actions name only objects under those prefixes
    object_resources = [
        r for s in s3 if "s3:ListBucket" not in as_list(s["Action"]) for r in as_list(s["Resource"])
    ]
    assert {r["Fn::Join"][1][1] for r in object_resources} == {f"/{p}*" for p in declared}
    assert all(r["Fn::Join"][1][0] == {"Fn::GetAtt": [bucket_id, "Arn"]} for r in object_resources)
    # And listing is limited to those prefixes too
    for s in s3:
        if "s3:ListBucket" in as_list(s["Action"]):
            assert set(s["Condition"]["StringLike"]["s3:prefix"]) == {f"{p}*" for p in declared}


def test_intake_may_not_delete_object_versions_or_change_the_bucket(synthesized):
    # Given the intake role's actions
    actions = {
        a
        for s in statements(synthesized, function_role(synthesized, "intake"))
        for a in as_list(s["Action"])
    }
    # Then it works on objects only; versions expire by lifecycle
    assert not {
        a
        for a in actions
        if a.startswith("s3:") and ("Version" in a or "Bucket" in a) and a != "s3:ListBucket"
    }


@pytest.mark.parametrize("declared", [pytest.param(f, id=f.name) for f in wiring.FUNCTIONS])
def test_function_role_grants_no_wildcard_action(synthesized, declared):
    # Given a function's role
    actions = [
        a
        for s in statements(synthesized, function_role(synthesized, declared.name))
        for a in as_list(s["Action"])
    ]
    # Then no statement allows every action, of AWS or of a service
    assert "*" not in actions
    assert not [a for a in actions if a.endswith(":*")]


def test_no_policy_in_the_stack_allows_every_action(synthesized):
    # Given every IAM policy of the stack
    documents = json.dumps(
        [
            p["Properties"]["PolicyDocument"]
            for p in synthesized.of_type("AWS::IAM::Policy").values()
        ]
    )
    # Then none says Action "*"
    assert '"Action": "*"' not in documents


@pytest.mark.parametrize("declared", [pytest.param(f, id=f.name) for f in wiring.FUNCTIONS])
def test_function_may_not_scan_tables(synthesized, declared):
    # Given a function's role (every list goes through a key or an index)
    actions = {
        a
        for s in statements(synthesized, function_role(synthesized, declared.name))
        for a in as_list(s["Action"])
    }
    # Then Scan is not among its actions
    assert "dynamodb:Scan" not in actions


@pytest.mark.parametrize("declared", [pytest.param(f, id=f.name) for f in wiring.FUNCTIONS])
def test_function_touches_only_declared_tables(synthesized, declared):
    # Given a function's declared tables
    tables = synthesized.stack.data.tables
    allowed = {synthesized.logical_id(tables[key]) for key, _ in declared.tables}
    # When the DynamoDB resources of its role are read
    named = {
        json.dumps(r).split('"Fn::GetAtt": ["', 1)[1].split('"', 1)[0]
        for s in statements(synthesized, function_role(synthesized, declared.name))
        if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))
        for r in as_list(s["Resource"])
    }
    # Then they are exactly the declared tables
    assert named == allowed


def test_intake_may_only_write_self_identification_answers(synthesized):
    # Given that intake declares write-only access to self-identification
    table_id = synthesized.logical_id(synthesized.stack.data.tables["self_identification"])
    # When the actions on that table are collected
    actions = {
        a
        for s in statements(synthesized, function_role(synthesized, "intake"))
        if {"Fn::GetAtt": [table_id, "Arn"]} in as_list(s["Resource"])
        for a in as_list(s["Action"])
    }
    # Then it can write but not read them back
    assert "dynamodb:PutItem" in actions
    assert not actions & {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"}


@pytest.mark.parametrize(
    "declared", [pytest.param(f, id=f.name) for f in wiring.FUNCTIONS if f.publishes_to]
)
def test_function_publishes_only_to_declared_buses(synthesized, declared):
    # Given a function that publishes events
    buses = synthesized.stack.messaging.buses
    expected = [
        {"Fn::GetAtt": [synthesized.logical_id(buses[k]), "Arn"]} for k in declared.publishes_to
    ]
    # When its PutEvents statements are read
    resources = [
        r
        for s in statements(synthesized, function_role(synthesized, declared.name))
        if "events:PutEvents" in as_list(s["Action"])
        for r in as_list(s["Resource"])
    ]
    # Then they name the declared buses only
    assert resources == expected


def _buckets_reached(synthesized, name: str) -> set[str]:
    """Logical ids of the buckets a function's role names in any statement."""
    text = json.dumps(statements(synthesized, function_role(synthesized, name)))
    buckets = {
        key: synthesized.logical_id(bucket)
        for key, bucket in synthesized.stack.storage.buckets.items()
    }
    return {key for key, logical in buckets.items() if logical in text}


@pytest.mark.parametrize(
    ("function", "buckets"),
    [
        # the careers site writes resumes; it never sees reports
        ("intake", {"resumes"}),
        # the sender never reads resumes (nor anything else in S3)
        ("outreach", set()),
        # reports are built from tables alone; their role cannot open a resume
        ("report_exports", {"reports"}),
        # interview reminders link to the resume; they cannot read reports
        ("reminders", {"resumes"}),
        ("search_indexer", {"resumes"}),
        ("resume_parser", {"resumes"}),
    ],
)
def test_each_function_reaches_only_its_own_buckets(synthesized, function, buckets):
    assert _buckets_reached(synthesized, function) == buckets


def test_no_function_may_read_the_replies_bucket(synthesized):
    # Given the bucket SES stores replies in
    email = synthesized.stack.email
    assert email is not None
    assert email.replies is not None
    replies = synthesized.logical_id(email.replies)
    # Then no function's role names it: replies are read by people, in their mailbox
    for declared in wiring.FUNCTIONS:
        role = function_role(synthesized, declared.name)
        assert replies not in json.dumps(statements(synthesized, role)), declared.name
