"""IAM: each function's role holds what its declaration says, and nothing more."""

from __future__ import annotations

import json

import pytest

from recruiting import wiring
from recruiting_infra.nag import flatten_reference

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
def test_function_may_not_scan_tables(synthesized, declared):
    # Given a function's role (every list goes through a key or an index)
    actions = {
        a
        for s in statements(synthesized, function_role(synthesized, declared.name))
        for a in as_list(s["Action"])
    }
    # Then Scan is not among its actions
    assert "dynamodb:Scan" not in actions


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
    for declared in wiring.FUNCTIONS:
        # When the statements of a function's role that name it are read
        naming = [
            s
            for s in statements(synthesized, function_role(synthesized, declared.name))
            if replies in json.dumps(s["Resource"])
        ]
        # Then none reads or lists it (replies are read by people, in their mailbox): at most
        # the privacy function deletes an erased person's stored replies
        assert {a for s in naming for a in as_list(s["Action"])} <= {"s3:DeleteObject"}
        assert not naming or declared.name == "privacy", declared.name


# --- every identity policy of the stack -------------------------------------------

# The only actions a statement may allow on every resource ("*"): AWS defines no
# resource type for them, so they cannot be scoped (Service Authorization Reference).
UNSCOPABLE_ACTIONS = {
    "xray:PutTraceSegments": "X-Ray defines no resource for trace segments (active tracing)",
    "xray:PutTelemetryRecords": "X-Ray defines no resource for telemetry (active tracing)",
}
# Services whose resources always have an ARN to name: never allowed on "*".
SCOPABLE_SERVICES = ("dynamodb", "s3", "sqs", "sns", "kms", "events", "ses", "secretsmanager")
# Managed policies some role may carry, and which: CDK's and API Gateway's service roles.
ALLOWED_MANAGED_POLICIES = {
    # CDK's deploy-time custom resource that sets the bucket notifications (logs only)
    "AWSLambdaBasicExecutionRole",
    # the account-level role API Gateway writes execution logs with (logs only)
    "AmazonAPIGatewayPushToCloudWatchLogs",
}


def identity_statements(synthesized) -> list[tuple[str, dict]]:
    """(policy logical id, statement) for every identity policy of the stack: policies
    attached to roles, managed policies of the template and roles' inline policies."""
    found = []
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for logical_id, policy in synthesized.of_type(kind).items():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                found.append((logical_id, statement))
    for logical_id, role in synthesized.of_type("AWS::IAM::Role").items():
        for inline in role["Properties"].get("Policies", []):
            for statement in inline["PolicyDocument"]["Statement"]:
                found.append((logical_id, statement))
    assert found
    return found


def test_no_identity_policy_allows_a_wildcard_action(synthesized):
    # Given every statement of every identity policy of the stack
    for policy, statement in identity_statements(synthesized):
        # Then every action is named in full: no "*", "s3:*" or "dynamodb:Get*"
        assert not [a for a in as_list(statement.get("Action", [])) if "*" in a], policy


def test_no_identity_policy_grants_by_exclusion(synthesized):
    # Given every statement of every identity policy of the stack
    for policy, statement in identity_statements(synthesized):
        # Then none names what it does not cover (that would reach everything else)
        assert "NotAction" not in statement, policy
        assert "NotResource" not in statement, policy


def test_only_actions_aws_cannot_scope_are_allowed_on_every_resource(synthesized):
    # Given every statement of every identity policy of the stack
    for policy, statement in identity_statements(synthesized):
        if statement["Effect"] != "Allow" or "*" not in as_list(statement["Resource"]):
            continue
        actions = set(as_list(statement["Action"]))
        # Then a statement on "*" holds only actions without resource-level permissions
        assert actions <= set(UNSCOPABLE_ACTIONS), (policy, actions - set(UNSCOPABLE_ACTIONS))
        # And in particular nothing of DynamoDB, S3, SQS, SNS, KMS, EventBridge, SES, secrets
        assert not [a for a in actions if a.split(":", 1)[0] in SCOPABLE_SERVICES], policy


def test_only_service_roles_carry_managed_policies(synthesized):
    # Given the roles of the stack
    for logical_id, role in synthesized.of_type("AWS::IAM::Role").items():
        names = {
            flatten_reference(arn).rsplit("/", 1)[-1]
            for arn in role["Properties"].get("ManagedPolicyArns", [])
        }
        # Then only CDK's and API Gateway's service roles carry (log-writing) managed policies
        assert names <= ALLOWED_MANAGED_POLICIES, logical_id
    # And no function's role carries any: each is written out from its declaration
    for declared in wiring.FUNCTIONS:
        role_id = synthesized.logical_id(function_role(synthesized, declared.name))
        assert "ManagedPolicyArns" not in synthesized.resources[role_id]["Properties"]


# --- each function's role against its declaration ---------------------------------

DECLARED = [pytest.param(f, id=f.name) for f in wiring.FUNCTIONS]
TABLE_READS = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
TABLE_WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
}
OBJECT_ACTIONS = {
    "read": {"s3:GetObject"},
    "write": {"s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"},
    "erase": {"s3:DeleteObject", "s3:DeleteObjectVersion"},
}
# Listing goes with reading (objects) or erasing (versions), limited to the prefixes.
BUCKET_LISTING = {"read": "s3:ListBucket", "erase": "s3:ListBucketVersions"}
QUEUE_RECEIVES = {
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
}
QUEUE_SEND_KEY = {"kms:GenerateDataKey", "kms:Decrypt"}


def modes(access: wiring.Access) -> set[str]:
    return {"read", "write"} if access == "read_write" else {access}


def arn_target(value) -> str:
    """The logical id in ``{"Fn::GetAtt": [id, "Arn"]}``."""
    return str(value["Fn::GetAtt"][0])


def _by_id(synthesized, constructs) -> dict[str, str]:
    """Logical id -> declaration key, for a mapping of keys to L2 constructs."""
    return {synthesized.logical_id(c): key for key, c in constructs.items()}


def _table_grants(synthesized, name: str) -> dict[tuple[str, bool], set[str]]:
    """(table key, on its indexes) -> the DynamoDB actions a function's role allows."""
    tables = _by_id(synthesized, synthesized.stack.data.tables)
    grants: dict[tuple[str, bool], set[str]] = {}
    for s in statements(synthesized, function_role(synthesized, name)):
        actions = {a for a in as_list(s["Action"]) if a.startswith("dynamodb:")}
        if not actions:
            continue
        for resource in as_list(s["Resource"]):
            if "Fn::Join" in resource:  # <table arn>/index/*
                head, tail = resource["Fn::Join"][1]
                assert tail == "/index/*", resource
                target = (tables[arn_target(head)], True)
            else:
                target = (tables[arn_target(resource)], False)
            grants.setdefault(target, set()).update(actions)
    return grants


@pytest.mark.parametrize("declared", DECLARED)
def test_function_table_actions_follow_its_declared_access(synthesized, declared):
    # Given a function's declared tables and how it uses each
    access = dict(declared.tables)
    grants = _table_grants(synthesized, declared.name)
    # Then its role names no other table
    assert {key for key, _ in grants} == set(access)
    for (key, on_indexes), actions in grants.items():
        declared_modes = modes(access[key])
        if on_indexes:
            # And it only queries indexes, of a table it reads that has them
            assert actions == {"dynamodb:Query"}, key
            assert "read" in declared_modes, key
            assert wiring.table(key).indexes, key
            continue
        # And it reads only what it declares it reads, writes only what it writes
        assert bool(actions & TABLE_READS) == ("read" in declared_modes), key
        assert bool(actions & TABLE_WRITES) == ("write" in declared_modes), key


@pytest.mark.parametrize(
    ("function", "table"),
    [
        ("intake", "reports"),  # the careers site never sees reports
        ("intake", "tasks"),
        ("intake", "search"),
        ("outreach", "reports"),  # the sender reads no reports, tasks or schedules
        ("outreach", "tasks"),
        ("search_indexer", "outreach"),
        ("resume_parser", "jobs"),
        ("report_exports", "self_identification"),  # reports aggregate no answers
    ],
)
def test_function_cannot_touch_a_table_it_does_not_declare(synthesized, function, table):
    table_id = synthesized.logical_id(synthesized.stack.data.tables[table])
    assert table_id not in json.dumps(statements(synthesized, function_role(synthesized, function)))


def _bucket_keys(synthesized) -> dict[str, str]:
    """Logical id -> key of every bucket a function may be granted: the declared ones and
    the replies bucket of the e-mail feedback (a stack resource, not a declaration)."""
    keys = _by_id(synthesized, synthesized.stack.storage.buckets)
    email = synthesized.stack.email
    if email is not None and email.replies is not None:
        keys[synthesized.logical_id(email.replies)] = "replies"
    return keys


def _object_grants(synthesized, name: str) -> set[tuple[str, str, str]]:
    """(action, bucket key, prefix) for every S3 object action of a function's role."""
    buckets = _bucket_keys(synthesized)
    found = set()
    for s in statements(synthesized, function_role(synthesized, name)):
        actions = [a for a in as_list(s["Action"]) if a.startswith("s3:")]
        if not actions or set(actions) & set(BUCKET_LISTING.values()):
            continue
        for resource in as_list(s["Resource"]):
            head, tail = resource["Fn::Join"][1]  # <bucket arn>/<prefix>*
            assert tail.startswith("/"), resource
            assert tail.endswith("*"), resource
            found |= {(a, buckets[arn_target(head)], tail[1:-1]) for a in actions}
    return found


@pytest.mark.parametrize("declared", DECLARED)
def test_function_object_actions_are_exactly_its_declared_prefixes(synthesized, declared):
    # Given a function's declared bucket access
    expected = {
        (action, access.bucket, prefix)
        for access in declared.buckets
        for mode in modes(access.access)
        for action in OBJECT_ACTIONS[mode]
        for prefix in access.prefixes
    }
    # When the object actions of its role on the declared buckets are read
    granted = _object_grants(synthesized, declared.name)
    declared_buckets = {b.key for b in wiring.BUCKETS}
    # Then they are those actions under those prefixes, and nothing else
    assert {g for g in granted if g[1] in declared_buckets} == expected
    # And on a bucket the wiring does not declare (stored replies), at most deletion
    assert {g[0] for g in granted if g[1] not in declared_buckets} <= {"s3:DeleteObject"}


@pytest.mark.parametrize("declared", DECLARED)
def test_function_lists_only_the_prefixes_it_reads_or_erases(synthesized, declared):
    # Given the prefixes a function reads or erases, by listing action and bucket
    expected: dict[tuple[str, str], set[str]] = {}
    for access in declared.buckets:
        for mode in modes(access.access) & set(BUCKET_LISTING):
            expected.setdefault((BUCKET_LISTING[mode], access.bucket), set()).update(
                f"{p}*" for p in access.prefixes
            )
    buckets = _bucket_keys(synthesized)
    # When its listing statements are read
    listed: dict[tuple[str, str], set[str]] = {}
    for s in statements(synthesized, function_role(synthesized, declared.name)):
        actions = as_list(s["Action"])
        if set(actions) & set(BUCKET_LISTING.values()):
            (action,) = actions
            key = (action, buckets[arn_target(s["Resource"])])
            listed.setdefault(key, set()).update(s["Condition"]["StringLike"]["s3:prefix"])
    # Then it lists those buckets, each only under those prefixes
    assert listed == expected


@pytest.mark.parametrize("declared", DECLARED)
def test_function_reaches_only_its_declared_queues(synthesized, declared):
    # Given the queues a function consumes and sends to (and its own failure queue)
    stack = synthesized.stack
    names = _by_id(synthesized, stack.messaging.queues)
    failures = stack.functions.dead_letter_queues.get(declared.name)
    if failures is not None:
        names[synthesized.logical_id(failures)] = "failed invocations"
    # When its SQS statements are read
    sends: set[str] = set()
    receives: set[str] = set()
    for s in statements(synthesized, function_role(synthesized, declared.name)):
        actions = {a for a in as_list(s["Action"]) if a.startswith("sqs:")}
        named = {names[arn_target(r)] for r in as_list(s["Resource"])} if actions else set()
        assert actions <= {"sqs:SendMessage"} | QUEUE_RECEIVES, actions
        if "sqs:SendMessage" in actions:
            sends |= named
        if actions & QUEUE_RECEIVES:
            receives |= named
    # Then it sends to the declared queues (and its failure queue), receives from its source
    assert sends == set(declared.sends_to) | ({"failed invocations"} if failures else set())
    assert receives == set(declared.consumes)


@pytest.mark.parametrize("declared", DECLARED)
def test_function_uses_only_the_keys_its_resources_need(synthesized, declared):
    # Given the stack's keys
    stack = synthesized.stack
    keys = {
        synthesized.logical_id(stack.data_key): "data",
        synthesized.logical_id(stack.messaging_key): "messaging",
    }
    # When the KMS statements of a function's role are read
    used = {
        keys[arn_target(r)]
        for s in statements(synthesized, function_role(synthesized, declared.name))
        if any(a.startswith("kms:") for a in as_list(s["Action"]))
        for r in as_list(s["Resource"])
    }
    # Then it uses the data key only for tables or buckets, the messaging key only for queues
    expected = set()
    if declared.tables or declared.buckets:
        expected.add("data")
    if declared.consumes or declared.sends_to or declared.schedules:
        expected.add("messaging")
    assert used == expected


@pytest.mark.parametrize("declared", DECLARED)
def test_only_functions_that_send_email_may_send_and_only_as_the_sender(synthesized, declared):
    # Given a function's SES statements
    ses = [
        s
        for s in statements(synthesized, function_role(synthesized, declared.name))
        if any(a.startswith("ses:") for a in as_list(s["Action"]))
    ]
    if not declared.sends_email:
        # Then a function that declares no e-mail cannot send any
        assert ses == []
        return
    # Then the sender may send only from the configured address, through named identities
    (statement,) = ses
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": "jobs@acme.example"}}
    text = json.dumps(statement["Resource"])
    assert ":identity/jobs@acme.example" in text
    assert ":identity/acme.example" in text
    assert "*" not in text


@pytest.mark.parametrize("declared", DECLARED)
def test_only_functions_that_sign_links_may_read_the_signing_key(synthesized, declared):
    # Given the link-signing secret and a function's Secrets Manager statements
    secret = synthesized.stack.functions.link_signing_secret
    assert secret is not None
    resources = [
        r
        for s in statements(synthesized, function_role(synthesized, declared.name))
        if any(a.startswith("secretsmanager:") for a in as_list(s["Action"]))
        for r in as_list(s["Resource"])
    ]
    # Then only link signers read it, and no other secret
    expected = [{"Ref": synthesized.logical_id(secret)}] if declared.signs_links else []
    assert resources == expected


@pytest.mark.parametrize(
    "declared", [pytest.param(f, id=f.name) for f in wiring.FUNCTIONS if f.schedules]
)
def test_scheduler_role_may_only_invoke_its_function_and_report_failures(synthesized, declared):
    # Given the role EventBridge Scheduler assumes to run a scheduled function
    function = synthesized.logical_id(synthesized.stack.functions.functions[declared.name])
    (role_id,) = {
        arn_target(s["Properties"]["Target"]["RoleArn"])
        for s in synthesized.of_type("AWS::Scheduler::Schedule").values()
        if s["Properties"]["Target"]["Arn"] == {"Fn::GetAtt": [function, "Arn"]}
    }
    found = [
        s
        for p in synthesized.of_type("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    failures = synthesized.logical_id(synthesized.stack.functions.dead_letter_queues[declared.name])
    # Then it invokes its own function (and versions), sends failures to its own DLQ
    by_action = {a: json.dumps(s["Resource"]) for s in found for a in as_list(s["Action"])}
    assert set(by_action) == {"lambda:InvokeFunction", "sqs:SendMessage", *QUEUE_SEND_KEY}
    assert function in by_action["lambda:InvokeFunction"]
    messaging_key = synthesized.logical_id(synthesized.stack.messaging_key)
    assert json.loads(by_action["kms:Decrypt"]) == {"Fn::GetAtt": [messaging_key, "Arn"]}
    assert json.loads(by_action["sqs:SendMessage"]) == {"Fn::GetAtt": [failures, "Arn"]}
