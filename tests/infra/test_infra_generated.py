"""Every kind of trigger the wiring can declare, generated into a stack.

The project's wiring has API routes only so far; this declaration adds a queue
consumer, a schedule, a queue sender, email and recruiter routes, so the parts
of the stack that generate them are checked (cdk-nag included) before a real
function needs them.
"""

from __future__ import annotations

import pytest

from recruiting import wiring
from recruiting_infra import nag
from recruiting_infra.declaration import Declaration

pytestmark = pytest.mark.infra

LEDGER = wiring.Table(
    key="ledger",
    env="LEDGER_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(wiring.Index("by_due", "gsi1pk", "gsi1sk", "steps due, by time"),),
)
SENDS = wiring.Queue(
    key="sends", env="SENDS_QUEUE_URL", purpose="one message per send", max_receives=3
)
FILES = wiring.Bucket(
    key="files",
    env="FILES_BUCKET_NAME",
    purpose="imports",
    notify_prefixes=("in/",),
    notify_queue="sends",
)
BUS = wiring.Bus(key="events", env="EVENT_BUS_NAME", purpose="domain events")
SENDER = wiring.Function(
    name="outreach",
    description="sends one email per message",
    handler="outreach.handler.lambda_handler",
    dependency_layers=("core",),
    tables=(("ledger", "read_write"),),
    buckets=(wiring.BucketAccess("files", ("in/",), "read"),),
    publishes_to=("events",),
    consumes=("sends",),
    schedules=("rate(1 hour)",),
    sends_email=True,
    timeout_seconds=60,
)
PLANNER = wiring.Function(
    name="planner",
    description="recruiter API that queues sends",
    handler="planner.handler.lambda_handler",
    dependency_layers=("core",),
    routes=(
        wiring.Route("GET", "/sequences", "recruiter"),
        wiring.Route("POST", "/sequences/{sequence_id}/enrolments", "recruiter"),
    ),
    sends_to=("sends",),
)
DECLARATION = Declaration(
    functions=(SENDER, PLANNER),
    tables=(LEDGER,),
    buckets=(FILES,),
    queues=(SENDS,),
    buses=(BUS,),
    binary_media_types=(),
)


@pytest.fixture(scope="module")
def generated(synthesize_declaration):
    return synthesize_declaration(DECLARATION)


def _function_id(generated, name: str) -> str:
    return generated.logical_id(generated.stack.functions.functions[name])


def test_generated_stack_passes_both_rule_packs(generated):
    # Given a stack with every kind of trigger
    # When cdk-nag checks it
    findings = [str(f) for f in nag.findings(generated.app)]
    # Then nothing is left unfixed or unacknowledged
    assert findings == []


def test_consumer_reads_its_queue_reporting_batch_item_failures(generated):
    # Given a function that consumes a queue
    queue_id = generated.logical_id(generated.stack.messaging.queues["sends"])
    # When its event source mapping is read
    (mapping,) = [
        m["Properties"]
        for m in generated.of_type("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": _function_id(generated, "outreach")}
    ]
    # Then it reads that queue and answers with partial batch failures
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_scheduled_function_runs_on_its_declared_expression(generated):
    # Given a function with a schedule
    (schedule,) = [s["Properties"] for s in generated.of_type("AWS::Scheduler::Schedule").values()]
    # Then EventBridge Scheduler invokes it with the declared expression, retrying
    # a bounded number of times into a dead-letter queue
    assert schedule["ScheduleExpression"] == "rate(1 hour)"
    assert schedule["Target"]["Arn"] == {"Fn::GetAtt": [_function_id(generated, "outreach"), "Arn"]}
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 2
    assert "Arn" in schedule["Target"]["DeadLetterConfig"]


def test_failed_scheduled_runs_wait_in_a_dead_letter_queue_with_an_alarm(generated):
    # Given the scheduled function and its failed-invocation queue
    dlq = generated.stack.functions.dead_letter_queues["outreach"]
    dlq_id = generated.logical_id(dlq)
    function = generated.resources[_function_id(generated, "outreach")]["Properties"]
    # Then failed asynchronous runs go there
    assert function["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]}}
    # And the operators hear about them
    alarmed = [
        a
        for a in generated.of_type("AWS::CloudWatch::Alarm").values()
        # (account-level alarms, such as SES reputation, have no dimensions)
        if a["Properties"].get("Dimensions")
        == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}]
    ]
    assert len(alarmed) == 1


def test_recruiter_routes_require_the_cognito_authorizer(generated):
    # Given the recruiter routes
    (authorizer_id,) = generated.of_type("AWS::ApiGateway::Authorizer")
    methods = [
        m["Properties"]
        for m in generated.of_type("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] != "OPTIONS"
    ]
    # Then every method needs a Cognito token of the stack's user pool
    assert len(methods) == len(PLANNER.routes)
    assert all(m["AuthorizationType"] == "COGNITO_USER_POOLS" for m in methods)
    assert all(m["AuthorizerId"] == {"Ref": authorizer_id} for m in methods)


def test_email_sender_may_send_only_from_the_configured_address(generated):
    # Given the function that sends email
    role_id = generated.logical_id(generated.stack.functions.functions["outreach"].role)
    statements = [
        s
        for p in generated.of_type("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    (ses,) = [s for s in statements if "ses:SendEmail" in s["Action"]]
    env = generated.resources[_function_id(generated, "outreach")]["Properties"]["Environment"]
    # Then it may send from the configured sender only, and knows that address
    assert ses["Condition"] == {"StringEquals": {"ses:FromAddress": "jobs@acme.example"}}
    assert env["Variables"]["SENDER_EMAIL"] == "jobs@acme.example"


def test_queue_sender_may_send_only_to_its_declared_queue(generated):
    # Given the function that queues sends
    role_id = generated.logical_id(generated.stack.functions.functions["planner"].role)
    queue_id = generated.logical_id(generated.stack.messaging.queues["sends"])
    sends = [
        s
        for p in generated.of_type("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "sqs:SendMessage" in s["Action"]
    ]
    # Then SendMessage names that queue only
    assert [s["Resource"] for s in sends] == [{"Fn::GetAtt": [queue_id, "Arn"]}]


def test_scheduler_may_write_to_the_encrypted_dead_letter_queue(generated):
    # Given the role EventBridge Scheduler assumes for the scheduled function
    (schedule,) = [s["Properties"] for s in generated.of_type("AWS::Scheduler::Schedule").values()]
    role_id = schedule["Target"]["RoleArn"]["Fn::GetAtt"][0]
    key_id = generated.logical_id(generated.stack.messaging_key)
    statements = [
        s
        for p in generated.of_type("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    # Then it may encrypt with the queues' key, or a failed run would be lost
    (kms,) = [s for s in statements if s["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}]
    assert set(kms["Action"]) == {"kms:GenerateDataKey", "kms:Decrypt"}
