"""Faults injected across the system (issue 8): DynamoDB throttling and cancelled
transactions, S3 errors, SES throttling and rejections, SQS redeliveries, a Lambda
timing out mid-batch, and poison messages. Through the real handlers on moto; nothing
is lost or done twice, and what cannot be done lands in the dead-letter queue.

Faults are raised where botocore raises them: ``BaseClient._make_api_call``, for every
client (PynamoDB's, boto3's, Powertools'), as the ``ClientError`` subclass the service
model names, after botocore's own retries (one injected error is one failed API call).
``TALLY`` counts what was injected and replayed; it is printed when the module ends.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.client import BaseClient

from recruiting import wiring
from recruiting_local.context import LocalContext
from recruiting_local.pump import sqs_event
from support import Reply, application

TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _tally(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not TALLY:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(
            "fault tally: " + ", ".join(f"{k}={v}" for k, v in sorted(TALLY.items()))
        )


# --- injecting faults ---------------------------------------------------------------


@dataclass
class Rule:
    service: str  # botocore's service name: dynamodb, s3, sesv2, sqs
    operation: str  # TransactWriteItems, GetObject, SendEmail, ...
    code: str
    status: int
    times: int  # how many calls fail; -1 for every call
    when: Callable[[dict[str, Any]], bool]
    extra: dict[str, Any]
    hits: int = 0


@dataclass
class Faults:
    rules: list[Rule] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)  # service.Operation -> calls seen

    def fail(
        self,
        service: str,
        operation: str,
        code: str,
        *,
        status: int = 400,
        times: int = 1,
        when: Callable[[dict[str, Any]], bool] = lambda params: True,
        **extra: Any,
    ) -> Rule:
        rule = Rule(service, operation, code, status, times, when, extra)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def intercept(self, client: BaseClient, operation: str, params: dict[str, Any]) -> None:
        service = client.meta.service_model.service_name
        self.calls[f"{service}.{operation}"] += 1
        for rule in self.rules:
            if (rule.service, rule.operation) != (service, operation) or rule.times == 0:
                continue
            if not rule.when(params):
                continue
            if rule.times > 0:
                rule.times -= 1
            rule.hits += 1
            TALLY[f"fault {service} {rule.code}"] += 1
            response = {
                "Error": {"Code": rule.code, "Message": "injected by test_faults"},
                "ResponseMetadata": {"HTTPStatusCode": rule.status, "HTTPHeaders": {}},
                **rule.extra,
            }
            raise client.exceptions.from_code(rule.code)(response, operation)


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    injected = Faults()
    real = BaseClient._make_api_call

    def make_api_call(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        injected.intercept(client, operation, params)
        return real(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", make_api_call)
    return injected


def cancelled(*codes: str) -> dict[str, Any]:
    """A TransactionCanceledException's reasons, one per item in the transaction."""
    return {"CancellationReasons": [{"Code": c, "Message": c} for c in codes]}


class LambdaTimeout(BaseException):
    """The function ran out of time: no response at all, the whole batch comes back.

    A BaseException, so Powertools' batch processor (which catches ``Exception`` per
    record) cannot turn it into a partial batch response, as a real timeout cannot."""


# --- delivering SQS batches -----------------------------------------------------------


def queue_url(key: str) -> str:
    import os

    return os.environ[wiring.queue(key).env]


def dlq_url(key: str) -> str:
    import os

    return os.environ[f"{wiring.queue(key).env}_DLQ"]


def visible_again_at_once(key: str) -> None:
    """A failed message comes back now instead of after the visibility timeout."""
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=queue_url(key), Attributes={"VisibilityTimeout": "0"}
    )


@dataclass
class Delivery:
    failed: list[str] = field(default_factory=list)  # message ids reported failed
    timed_out: int = 0  # invocations that never answered
    invocations: int = 0
    receives: list[int] = field(default_factory=list)


def deliver(
    key: str, handler: Any, *, times: int = 1, max_batches: int = 20, attributes: bool = False
) -> Delivery:
    """Receive what waits on the queue, batch by batch, and hand each batch to the
    function ``times`` times (SQS delivers at least once: a duplicate is the same
    messages again) before deleting what succeeded; as Lambda's event source mapping
    does. A batch whose invocation times out is left on the queue whole."""
    sqs = boto3.client("sqs")
    url = queue_url(key)
    outcome = Delivery()
    for _ in range(max_batches):
        messages = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            AttributeNames=["ApproximateReceiveCount"] if attributes else [],
        ).get("Messages", [])
        if not messages:
            break
        outcome.receives += [
            int(m.get("Attributes", {}).get("ApproximateReceiveCount", 0)) for m in messages
        ]
        failed: set[str] = set()
        timed_out = False
        for attempt in range(times):
            if attempt:
                TALLY["replayed messages"] += len(messages)
            outcome.invocations += 1
            try:
                result = handler(sqs_event(messages, f"arn:aws:sqs:us-east-1:1:{key}"), _ctx(key))
                failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            except BatchProcessingError:
                failed = {m["MessageId"] for m in messages}
            except LambdaTimeout:
                timed_out = True
                break
        if timed_out:
            outcome.timed_out += 1
            TALLY["fault lambda timeout"] += 1
            break
        for message in messages:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        outcome.failed += sorted(failed)
        if failed:
            break
    return outcome


def _ctx(key: str) -> LocalContext:
    return LocalContext(key)


def waiting(url: str) -> list[dict[str, Any]]:
    """What is on a queue (read with a zero visibility timeout: left in place)."""
    sqs = boto3.client("sqs")
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    found: dict[str, dict[str, Any]] = {}
    for _ in range(int(attributes["ApproximateNumberOfMessages"]) + 1):
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get(
            "Messages", []
        ):
            found[m["MessageId"]] = m
    return list(found.values())


# --- the intake, through API Gateway -------------------------------------------------


def through_gateway(call: Callable[..., Reply], *args: Any) -> Reply:
    """What the client sees: a function error is API Gateway's 502 (as ``make run``
    answers it, recruiting_local/server.py)."""
    try:
        return call(*args)
    except Exception:  # the Lambda invocation failed
        return Reply(502, {}, b'{"message": "Internal server error"}')


def _people(store: Any) -> dict[str, int]:
    kinds = Counter(i.get("type") for i in store.items("candidates"))
    return {k: kinds[k] for k in ("candidate", "identity", "application", "apply_marker")}


def _idempotency_records(store: Any) -> list[dict[str, Any]]:
    return store.items("idempotency")


# Each refuses the application as a whole (after botocore's own retries).
APPLICATION_FAULTS: list[tuple[str, str, dict[str, Any]]] = [
    ("TransactWriteItems", "ProvisionedThroughputExceededException", {}),
    ("TransactWriteItems", "ThrottlingException", {}),
    # throttled inside the transaction, and a conflict with another transaction
    ("TransactWriteItems", "TransactionCanceledException", cancelled("None", "ThrottlingError")),
    ("TransactWriteItems", "TransactionCanceledException", cancelled("TransactionConflict")),
    ("GetItem", "ProvisionedThroughputExceededException", {}),  # a read, before any write
    ("PutItem", "ThrottlingException", {}),  # the Idempotency-Key's record
]


def test_a_throttled_application_stores_nothing_and_its_retry_stores_one(api, demo, store, faults):
    """6 faults, one per kind above, each on a new person's first try: 6 x 502; each
    retried with the same Idempotency-Key (and replayed once more): 6 stored, 0 twice."""
    for number, (operation, code, extra) in enumerate(APPLICATION_FAULTS):
        form = application(email=f"person{number}@example.com")
        key = {"Idempotency-Key": f"retry-{number}"}
        before, files = _people(store), store.objects("applications/")
        faults.clear()
        rule = faults.fail("dynamodb", operation, code, **extra)
        # When DynamoDB throttles the application (past botocore's own retries)
        first = through_gateway(api.post_json, "/jobs/4000001/applications", form, key)
        # Then the client gets a 5xx it may retry, and nothing was half-written
        assert (operation, code, first.status, rule.hits) == (operation, code, 502, 1)
        assert _people(store) == before, (operation, code)
        assert store.objects("applications/") == files, (operation, code)
        completed = [r for r in store.items("idempotency") if r.get("status") == "COMPLETED"]
        assert len(completed) == number  # the earlier people's keys only
        # When the client retries with the same key, it is stored once
        second = api.post_json("/jobs/4000001/applications", form, key)
        assert second.status == 201, second.body
        third = api.post_json("/jobs/4000001/applications", form, key)
        assert third.status == 201
        assert third.headers.get("idempotent-replayed") == "true"
        assert third.json() == second.json()
        assert _people(store) == {k: v + 1 for k, v in before.items()}, (operation, code)
        assert len(store.objects("applications/")) == len(files) + 1
    assert len(store.of_type("application")) == len(APPLICATION_FAULTS)


ONE = {"candidate": 1, "identity": 1, "application": 1, "apply_marker": 1}


def test_throttled_after_the_write_replays_the_stored_application(api, demo, store, faults):
    """1 fault (the Idempotency-Key record's success update, after the application was
    stored): a 502, then 2 retries (409 while the first call could still be running,
    then the stored receipt): 1 application."""
    key = {"Idempotency-Key": "stored-then-throttled"}
    idempotency_table = store.env[wiring.table("idempotency").env]
    faults.fail(
        "dynamodb",
        "UpdateItem",
        "ProvisionedThroughputExceededException",
        when=lambda params: params.get("TableName") == idempotency_table,
    )
    # When the application is stored but recording the answer for the key is throttled
    first = through_gateway(api.post_json, "/jobs/4000001/applications", application(), key)
    assert first.status == 502
    assert _people(store) == ONE
    # Then a retry while the first call could still be running is told to wait
    early = api.post_json("/jobs/4000001/applications", application(), key)
    assert early.status == 409
    assert early.headers.get("retry-after") == "1"
    # And once that call's time is up (its Lambda timeout), the retry answers the
    # stored application (the same person, the same job) and stores nothing new
    table = boto3.resource("dynamodb").Table(idempotency_table)
    for record in table.scan()["Items"]:
        table.update_item(
            Key={"id": record["id"]},
            UpdateExpression="SET in_progress_expiration = :past",
            ExpressionAttributeValues={":past": 1},
        )
    later = api.post_json("/jobs/4000001/applications", application(), key)
    assert later.status == 201, later.body
    assert later.headers.get("idempotent-replayed") == "true"
    (stored,) = store.of_type("application")
    assert later.json()["application_id"] == stored["application_id"]
    assert _people(store) == ONE
    assert len(store.objects("applications/")) == 1


# --- stage moves ------------------------------------------------------------------------


def _receipt(api) -> dict[str, Any]:
    reply = api.post_json("/jobs/4000001/applications", application())
    assert reply.status == 201, reply.body
    return reply.json()


def _move_path(receipt: dict[str, Any], action: str = "moves") -> str:
    return (
        f"/ats/candidates/{receipt['candidate_id']}/applications/"
        f"{receipt['application_id']}/{action}"
    )


def _pipeline_state(store: Any) -> tuple[Any, ...]:
    (app,) = store.of_type("application")
    return (
        app["stage"],
        app["status"],
        int(app["version"]),
        len(store.of_type("stage_change")),
        len(store.items("tasks")),
    )


MOVE_FAULTS: list[tuple[str, dict[str, Any], int]] = [
    ("TransactionCanceledException", cancelled("ConditionalCheckFailed", "None"), 409),
    ("TransactionCanceledException", cancelled("TransactionConflict", "None"), 409),
    ("TransactionCanceledException", cancelled("None", "ThrottlingError"), 409),
    ("ProvisionedThroughputExceededException", {}, 502),
]


def test_a_cancelled_stage_move_changes_nothing(api, ats, demo, store, bus_events, faults):
    """4 faults, one per kind above: 3 x 409 and 1 x 502, nothing moved or announced;
    each move retried once and applied once (4 moves, 4 stage changes, 4 events)."""
    receipt = _receipt(api)
    recruiter = ats.as_role("recruiter")
    bus_events()  # (the application's own event)
    for number, (code, extra, status) in enumerate(MOVE_FAULTS):
        target = ("screen", "interview")[number % 2]
        before = _pipeline_state(store)
        faults.clear()
        faults.fail("dynamodb", "TransactWriteItems", code, **extra)
        # When the move's transaction is cancelled (or throttled)
        reply = through_gateway(recruiter.post_json, _move_path(receipt), {"to_stage": target})
        # Then the recruiter is told to retry, and nothing moved, nothing was announced
        assert (code, extra, reply.status) == (code, extra, status)
        if status == 409:
            assert reply.json()["error"] == "conflict"
        assert _pipeline_state(store) == before
        assert bus_events() == []
        # And the retry moves it once
        again = recruiter.post_json(_move_path(receipt), {"to_stage": target})
        assert again.status == 200, again.body
        stage, _, version, changes, _ = _pipeline_state(store)
        assert (stage, version, changes) == (target, before[2] + 1, before[3] + 1)
        assert [e["detail-type"] for e in bus_events()] == ["candidate.stage_changed"]


# --- resumes: S3 errors, redeliveries, a parser that dies -----------------------------

FIXTURES = Path(__file__).parents[1] / "fixtures" / "resumes"


def _apply_with_resume(api, email: str) -> dict[str, Any]:
    data = (FIXTURES / "txt-plain.txt").read_bytes()
    resume = {"filename": "cv.txt", "content_base64": base64.b64encode(data).decode()}
    reply = api.post_json("/jobs/4000001/applications", application(email=email, resume=resume))
    assert reply.status == 201, reply.body
    return reply.json()


def _resume_key(receipt: dict[str, Any]) -> str:
    return f"applications/{receipt['candidate_id']}/{receipt['application_id']}/resume.txt"


def _versions(bucket: str, prefix: str) -> Counter[str]:
    listing = boto3.client("s3").list_object_versions(Bucket=bucket, Prefix=prefix)
    return Counter(v["Key"] for v in listing.get("Versions", []))


@pytest.fixture
def parser(aws):
    from resume_parser import handler

    handler.use(None)
    visible_again_at_once("resume_uploads")
    yield handler
    handler.use(None)


@pytest.fixture
def indexer(aws):
    from search_indexer import handler

    handler.use(None)
    yield handler
    handler.use(None)


def test_s3_errors_fail_only_their_message_and_a_redelivery_parses_once(
    api, ats, demo, store, aws, faults, parser, indexer
):
    """3 faults (GetObject 500 InternalError, 503 SlowDown, NoSuchKey) on 3 of 4 uploads:
    2 messages fail alone, their retry is delivered twice (2 replayed): 3 parsed once
    each, 1 recorded missing; the indexer's 9 events delivered twice (9 replayed): one
    search document per person, each found once."""
    bucket = aws[wiring.RESUMES.env]
    receipts = [_apply_with_resume(api, f"p{i}@example.com") for i in range(4)]
    keys = [_resume_key(r) for r in receipts]
    on = {k: (lambda key: lambda params: params.get("Key") == key)(k) for k in keys}
    faults.fail("s3", "GetObject", "InternalError", status=500, when=on[keys[0]])
    faults.fail("s3", "GetObject", "SlowDown", status=503, when=on[keys[1]])
    faults.fail("s3", "GetObject", "NoSuchKey", status=404, when=on[keys[2]])
    # When the parser takes the four notifications
    first = deliver("resume_uploads", parser.lambda_handler)
    # Then the two S3 failures fail alone; the deleted file is a recorded outcome
    assert len(first.failed) == 2
    states = {s["document_key"]: s for s in store.of_type("parse_state")}
    assert (states[keys[2]]["status"], states[keys[2]]["rule"]) == ("failed", "file_missing")
    assert states[keys[3]]["status"] == "parsed"
    assert all(states[k]["status"] != "parsed" for k in keys[:2])
    # And the redelivery (itself delivered twice) parses them once each; their failed
    # reads were not counted as parser crashes
    assert deliver("resume_uploads", parser.lambda_handler, times=2).failed == []
    states = {s["document_key"]: s for s in store.of_type("parse_state")}
    assert {k: (states[k]["status"], int(states[k]["attempts"])) for k in keys} == {
        keys[0]: ("parsed", 1),
        keys[1]: ("parsed", 1),
        keys[2]: ("failed", 1),
        keys[3]: ("parsed", 1),
    }
    assert len(store.of_type("parsed_resume")) == 3
    assert set(_versions(bucket, "parsed/").values()) == {1}  # each text written once
    assert len(_versions(bucket, "parsed/")) == 3
    # When the search indexer gets every event twice
    assert deliver("search_updates", indexer.lambda_handler, times=2, max_batches=50).failed == []
    # Then each person has one search document and a search finds each once
    docs = [i for i in store.items("search") if i.get("type") == "doc"]
    assert sorted(d["candidate_id"] for d in docs) == sorted(r["candidate_id"] for r in receipts)
    found = ats.as_role("recruiter").get("/ats/search?q=lovelace&limit=50").json()["results"]
    assert sorted(c["candidate_id"] for c in found) == sorted(r["candidate_id"] for r in receipts)


def test_a_file_that_cannot_be_read_lands_in_the_dlq_and_its_redrive_parses_once(
    api, demo, store, aws, faults, parser
):
    """5 faults (GetObject 500 on every one of the queue's 5 receives): the message is
    dead-lettered, never counted as a parser crash; redriven once S3 recovers: parsed 1."""
    receipt = _apply_with_resume(api, "dlq@example.com")
    faults.fail("s3", "GetObject", "InternalError", status=500, times=-1)
    # When S3 keeps failing for this file
    outcomes = [deliver("resume_uploads", parser.lambda_handler) for _ in range(7)]
    # Then the message is received max_receives times, then sits in the DLQ
    max_receives = wiring.RESUME_UPLOADS_QUEUE.max_receives
    assert sum(len(o.failed) for o in outcomes) == max_receives
    assert faults.rules[0].hits == max_receives
    assert waiting(queue_url("resume_uploads")) == []
    (dead,) = waiting(dlq_url("resume_uploads"))
    TALLY["dead-lettered"] += 1
    assert receipt["application_id"] in dead["Body"]
    (state,) = store.of_type("parse_state")
    assert state["status"] != "parsed"
    assert not store.of_type("parsed_resume")
    # When S3 recovers and an operator redrives the DLQ (README: redrive each DLQ)
    faults.clear()
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=queue_url("resume_uploads"), MessageBody=dead["Body"])
    sqs.delete_message(QueueUrl=dlq_url("resume_uploads"), ReceiptHandle=dead["ReceiptHandle"])
    assert deliver("resume_uploads", parser.lambda_handler).failed == []
    # Then it is parsed once
    (state,) = store.of_type("parse_state")
    assert (state["status"], int(state["attempts"])) == ("parsed", 1)
    assert len(store.of_type("parsed_resume")) == 1


def test_a_parser_that_times_out_mid_batch_redoes_only_the_rest(api, demo, store, parser):
    """1 Lambda timeout (inside the second of 3 parses); the whole batch redelivered:
    3 parsed once each; the interrupted file counts 2 attempts, the others 1."""
    receipts = [_apply_with_resume(api, f"t{i}@example.com") for i in range(3)]
    keys = [_resume_key(r) for r in receipts]
    pipeline = parser.pipeline()
    real_parse = pipeline.parse
    calls: list[str] = []

    def parse(data: bytes, **kwargs: Any) -> Any:
        calls.append(kwargs.get("filename", ""))
        if len(calls) == 2:
            raise LambdaTimeout("Task timed out after 60.00 seconds")
        return real_parse(data, **kwargs)

    pipeline.parse = parse
    # When the function dies while parsing the second file
    first = deliver("resume_uploads", parser.lambda_handler)
    assert first.timed_out == 1
    assert len(store.of_type("parsed_resume")) == 1
    # And the whole batch comes back
    assert deliver("resume_uploads", parser.lambda_handler).failed == []
    # Then the first is not parsed again, the rest are parsed once
    assert len(calls) == 4
    states = {
        s["document_key"]: (s["status"], int(s["attempts"])) for s in store.of_type("parse_state")
    }
    assert sorted(states.values()) == [("parsed", 1), ("parsed", 1), ("parsed", 2)]
    assert set(states) == set(keys)
    assert len(store.of_type("parsed_resume")) == 3


# --- outreach: SES throttling and rejections, redeliveries, a timeout mid-batch -------

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ALWAYS = {"start_hour": 0, "end_hour": 24, "weekdays": [0, 1, 2, 3, 4, 5, 6]}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


def ses_sent() -> Counter[str]:
    """What moto's SES accepted, by recipient."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    # (moto lists a raw message's recipient twice: the request's and the To header's)
    return Counter(d for m in backend.sent_messages for d in set(m.destinations))


@pytest.fixture
def crm(aws, api, ats, demo, tmp_path, monkeypatch):
    """The outreach function sending through SES (moto), on a clock the test moves."""
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    from outreach import handler
    from reminders import handler as reminders

    from intake import dependencies as intake
    from recruiter import dependencies
    from recruiting.outreach.mail import SesMailer

    handler.use(None)
    reminders.use(None)
    sender = handler.build()
    sender.mailer = SesMailer(None)
    _, sweep = reminders.build()
    clock = Clock(MONDAY_NOON)
    recruiter = dependencies.get()
    sender.now = sweep.now = recruiter.sequences.now = clock
    sweep.outreach.now = clock
    intake.get().service.now = clock
    boto3.client("ses").verify_email_identity(EmailAddress=sender.sender_email)
    visible_again_at_once("outreach")

    class Crm:
        def __init__(self) -> None:
            self.clock = clock
            self.sender = sender
            self.handler = handler

        def tick(self) -> None:
            """The schedule fires: due steps go to the outreach queue."""
            reminders.lambda_handler({"source": "aws.scheduler"}, LocalContext("reminders"))

        def deliver(self, times: int = 1) -> Delivery:
            return deliver("outreach", handler.lambda_handler, times=times)

    yield Crm()
    handler.use(None)
    reminders.use(None)


def _enrolled(api, ats, emails: list[str], steps: int = 1) -> tuple[str, dict[str, str]]:
    people = {}
    for email in emails:
        reply = api.post_json("/jobs/4000001/applications", application(email=email))
        assert reply.status == 201, reply.body
        people[email] = reply.json()["candidate_id"]
    recruiter = ats.as_role("recruiter")
    sequence = recruiter.post_json(
        "/ats/sequences",
        {
            "name": "Faults",
            "steps": [
                {"delay_days": 3 * i, "subject": f"Step {i + 1}", "body": "Hello."}
                for i in range(steps)
            ],
            "send_window": ALWAYS,
        },
    )
    assert sequence.status == 201, sequence.body
    sequence_id = sequence.json()["sequence_id"]
    enrolled = recruiter.post_json(
        f"/ats/sequences/{sequence_id}/enrolments", {"candidate_ids": list(people.values())}
    )
    assert enrolled.json()["enrolled"] == len(emails), enrolled.body
    # (their application.received events, which wait on the outreach queue, go first)
    assert deliver("outreach", crm_handler()).failed == []
    return sequence_id, people


def crm_handler() -> Any:
    from outreach import handler

    return handler.lambda_handler


def _sends(store: Any) -> dict[tuple[str, int], str]:
    return {
        (str(i["candidate_id"]), int(i["step"])): str(i["status"])
        for i in store.items("outreach")
        if i.get("type") == "send"
    }


def test_ses_throttling_retries_alone_and_a_rejection_is_recorded_never_resent(
    api, ats, crm, store, faults
):
    """2 faults on SendEmail (429 TooManyRequests for one person, once; MessageRejected
    for another, every time); the retry delivered twice (1 replayed), then the 3 steps'
    messages sent to the queue again and delivered twice (3 more): 2 e-mails, each
    once; 1 rejection recorded on the ledger and the enrolment, never tried again."""
    sequence_id, people = _enrolled(
        api, ats, ["slow@example.com", "bad@example.com", "fine@example.com"]
    )
    people = dict(people)
    to = lambda address: lambda params: params["Destination"]["ToAddresses"] == [address]  # noqa: E731
    faults.fail(
        "sesv2", "SendEmail", "TooManyRequestsException", status=429, when=to("slow@example.com")
    )
    faults.fail("sesv2", "SendEmail", "MessageRejected", times=-1, when=to("bad@example.com"))
    # When the schedule fires and the batch is delivered
    crm.tick()
    # Then the throttled message alone fails and stays for a retry
    assert len(crm.deliver().failed) == 1
    assert ses_sent() == Counter({"fine@example.com": 1})
    # And the retry (delivered twice) sends it once; the rejection is settled
    assert crm.deliver(times=2).failed == []
    assert ses_sent() == Counter({"slow@example.com": 1, "fine@example.com": 1})
    assert _sends(store) == {
        (people["slow@example.com"], 0): "sent",
        (people["bad@example.com"], 0): "rejected",
        (people["fine@example.com"], 0): "sent",
    }
    view = ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()
    reasons = {e["candidate_id"]: e.get("stop_reason") for e in view["enrolments"]}
    assert reasons[people["bad@example.com"]].startswith("rejected: MessageRejected")
    assert faults.rules[1].hits == 1  # rejected once, never tried again
    # When every step message arrives again, twice (a redrive, at-least-once)
    sqs = boto3.client("sqs")
    for candidate_id in people.values():
        body = json.dumps(
            {"type": "outreach.step", "sequence_id": sequence_id, "candidate_id": candidate_id,
             "step": 0}
        )  # fmt: skip
        sqs.send_message(QueueUrl=queue_url("outreach"), MessageBody=body)
    assert crm.deliver(times=2).failed == []
    crm.tick()
    assert crm.deliver().failed == []
    # Then nothing more was sent, and the rejected address was not tried again
    assert ses_sent() == Counter({"slow@example.com": 1, "fine@example.com": 1})
    assert faults.rules[1].hits == 1
    # When a sequence stored before sender names were checked would inject a header
    other, added = _enrolled(api, ats, ["hdr@example.com"])
    table = boto3.resource("dynamodb").Table(store.env[wiring.table("outreach").env])
    item = table.get_item(Key={"pk": f"SEQ#{other}", "sk": "SEQ"})["Item"]
    body = {**json.loads(item["body"]), "sender_name": "Ada\r\nBcc: victim@example.net"}
    table.update_item(
        Key={"pk": f"SEQ#{other}", "sk": "SEQ"},
        UpdateExpression="SET body = :b",
        ExpressionAttributeValues={":b": json.dumps(body)},
    )
    crm.tick()
    # Then its enrolment stops, saying why, instead of failing on every sweep
    assert crm.deliver().failed == []
    assert ses_sent()["hdr@example.com"] == 0
    assert (added["hdr@example.com"], 0) not in _sends(store)
    view = ats.as_role("recruiter").get(f"/ats/sequences/{other}").json()
    assert view["enrolments"][0]["stop_reason"] == "sequence_invalid"


def test_an_outreach_batch_that_times_out_is_redelivered_without_sending_twice(
    api, ats, crm, store, monkeypatch
):
    """2 Lambda timeouts: between records (after 2 of 5 sends) and inside a send (after
    SES accepted it); each batch redelivered whole: 10 e-mails for 5 people x 2 steps,
    none twice; the one whose outcome was lost is marked unknown, not resent."""
    emails = [f"p{i}@example.com" for i in range(5)]
    sequence_id, _ = _enrolled(api, ats, emails, steps=2)
    handler = crm.handler
    real_record = handler.record_handler
    seen: list[str] = []

    def dies_before_the_third(record: Any) -> None:
        seen.append(record.message_id)
        if len(seen) == 3:
            raise LambdaTimeout("Task timed out")
        real_record(record)

    monkeypatch.setattr(handler, "record_handler", dies_before_the_third)
    # When the function times out before the third step of the batch
    crm.tick()
    assert crm.deliver().timed_out == 1
    assert sum(ses_sent().values()) == 2
    # And the whole batch comes back
    assert crm.deliver().failed == []
    # Then the first two are not sent again, the other three are sent once
    assert ses_sent() == Counter({e: 1 for e in emails})
    monkeypatch.setattr(handler, "record_handler", real_record)
    # When, for step 2, the function dies right after SES accepted the second e-mail
    real_mailer = crm.sender.mailer
    sends: list[str] = []

    class DiesAfterSending:
        def send(self, raw: bytes, *, recipient: str, sender: str) -> Any:
            sent = real_mailer.send(raw, recipient=recipient, sender=sender)
            sends.append(recipient)
            if len(sends) == 2:
                raise LambdaTimeout("Task timed out")
            return sent

    crm.sender.mailer = DiesAfterSending()
    crm.clock.value = MONDAY_NOON + timedelta(days=3, hours=1)
    crm.tick()
    assert crm.deliver().timed_out == 1
    assert crm.deliver().failed == []
    # Then everyone got step 2 once; the lost outcome is recorded, and not resent
    assert ses_sent() == Counter({e: 2 for e in emails})
    statuses = Counter(s for (_, step), s in _sends(store).items() if step == 1)
    assert statuses == Counter({"sent": 4, "unknown": 1})
    view = ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()
    assert Counter(e.get("stop_reason") for e in view["enrolments"]) == Counter(
        {None: 4, "unknown: outcome_unknown": 1}
    )


# --- reports: redeliveries, a timeout mid-build, SES throttling a subscription -------

REPORT_MONDAY = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def reports(aws, api, ats, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    from report_exports import handler

    from intake import dependencies as intake
    from recruiter import dependencies
    from recruiting.outreach.mail import SesMailer

    handler.use(None)
    runner = handler.build()
    runner.mailer = SesMailer(None)
    boto3.client("ses").verify_email_identity(EmailAddress=runner.sender_email)
    clock = Clock(REPORT_MONDAY)
    recruiter = dependencies.get()
    runner.now = recruiter.reports.now = recruiter.pipeline.now = clock
    intake.get().service.now = clock
    visible_again_at_once("report_requests")
    assert api.post_json("/jobs/4000001/applications", application()).status == 201

    class Reports:
        def __init__(self) -> None:
            self.clock = clock
            self.runner = runner
            self.bucket = aws[wiring.REPORTS.env]

        def deliver(self, times: int = 1) -> Delivery:
            return deliver("report_requests", handler.lambda_handler, times=times, attributes=True)

        def tick(self) -> None:
            handler.lambda_handler({"source": "aws.scheduler"}, LocalContext("report_exports"))

    yield Reports()
    handler.use(None)


def _ask(ats, report: str) -> str:
    reply = ats.as_role("recruiter").post_json(
        "/ats/reports", {"report": report, "from": "2026-02-01", "to": "2026-02-28"}
    )
    assert reply.status == 202, reply.body
    return reply.json()["run_id"]


def test_a_report_run_timing_out_mid_build_is_built_once_on_redelivery(
    ats, reports, store, monkeypatch
):
    """1 Lambda timeout (writing the first run's CSV); the batch of 2 redelivered and
    replayed (2 replayed): 2 runs done, 4 files, each written once."""
    runs = [_ask(ats, "funnel"), _ask(ats, "time_to_hire")]
    real_put = reports.runner.store.put
    puts: list[str] = []

    def put(key: str, data: bytes, content_type: str) -> None:
        puts.append(key)
        if len(puts) == 1:
            raise LambdaTimeout("Task timed out")
        real_put(key, data, content_type)

    monkeypatch.setattr(reports.runner.store, "put", put)
    # When the function dies while writing the first run's files
    assert reports.deliver().timed_out == 1
    # And the batch comes back (and is delivered twice)
    again = reports.deliver(times=2)
    assert again.failed == []
    assert set(again.receives) == {2}
    # Then both runs are done, each file written once
    view = ats.as_role("recruiter")
    assert [view.get(f"/ats/reports/{r}").json()["status"] for r in runs] == ["done", "done"]
    versions = _versions(reports.bucket, "runs/")
    assert len(versions) == 4
    assert set(versions.values()) == {1}


def test_a_subscription_email_throttled_by_ses_is_sent_once_on_the_retry(ats, reports, faults):
    """1 fault (SendEmail 429) on a subscription's e-mail; the retry delivered twice
    (1 replayed), the schedule fired twice more: 1 e-mail, once."""
    recruiter = ats.as_role("recruiter")
    recruiter.put_json(
        "/ats/users/local-recruiter/profile",
        {"email": "rita@acme.example", "name": "Rita", "time_zone": "Europe/Berlin"},
    )
    subscribed = recruiter.post_json(
        "/ats/report-subscriptions",
        {"report": "funnel", "cadence": "daily", "hour": 8, "time_zone": "Europe/Berlin"},
    )
    assert subscribed.status == 201, subscribed.body
    faults.fail("sesv2", "SendEmail", "TooManyRequestsException", status=429)
    reports.clock.value = datetime(2026, 2, 3, 7, 5, tzinfo=UTC)
    # When the subscription falls due and SES throttles its e-mail
    reports.tick()
    assert len(reports.deliver().failed) == 1
    assert ses_sent() == Counter()
    # Then the retry sends it, once, however often it is delivered or swept
    assert reports.deliver(times=2).failed == []
    reports.tick()
    reports.tick()
    assert reports.deliver().failed == []
    assert ses_sent() == Counter({"rita@acme.example": 1})
    (run,) = [i for i in reports_items() if i.get("type") == "run"]
    assert run["status"] == "done"


def reports_items() -> list[dict[str, Any]]:
    import os

    table = boto3.resource("dynamodb").Table(os.environ[wiring.table("reports").env])
    return list(table.scan()["Items"])


# --- reminders: redeliveries and a timeout mid-batch ---------------------------------

INTERVIEW_MONDAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
INTERVIEW_START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def test_reminder_batches_redelivered_or_timing_out_send_each_notice_once(
    api, ats, demo, tmp_path, monkeypatch
):
    """1 Lambda timeout (before the second of two interview events); the batch
    redelivered twice (2 replayed); two sweeps queueing the same 4 reminders (8
    messages), delivered twice (8 replayed): 6 invitations and 4 reminders, each once."""
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    from reminders import handler

    from intake import dependencies as intake
    from recruiter import dependencies
    from recruiting.outreach.mail import LocalOutbox

    handler.use(None)
    sender, sweep = handler.build()
    clock = Clock(INTERVIEW_MONDAY)
    recruiter = dependencies.get()
    sender.now = sweep.now = clock
    recruiter.interviews.now = recruiter.pipeline.now = clock
    intake.get().service.now = clock
    visible_again_at_once("reminders")
    outbox = LocalOutbox(tmp_path / "outbox")
    for user, zone in (("ivy", "America/New_York"), ("liam", "Europe/Berlin")):
        reply = ats.as_role("interviewer", user).put_json(
            f"/ats/users/{user}/profile",
            {"email": f"{user}@acme.example", "name": user.title(), "time_zone": zone},
        )
        assert reply.status == 200, reply.body
    for email in ("grace@example.com", "ada@example.com"):
        receipt = api.post_json("/jobs/4000001/applications", application(email=email)).json()
        path = (
            f"/ats/candidates/{receipt['candidate_id']}/applications/"
            f"{receipt['application_id']}/interviews"
        )
        scheduled = ats.as_role("recruiter").post_json(
            path,
            {
                "title": "Technical interview",
                "start": "2026-03-10T10:00:00",
                "end": "2026-03-10T11:00:00",
                "time_zone": "America/New_York",
                "video_url": "https://meet.example/abc-defg",
                "interviewers": ["ivy", "liam"],
            },
        )
        assert scheduled.status == 201, scheduled.body
    real_record = handler.record_handler
    records: list[str] = []

    def dies_before_the_second(record: Any) -> None:
        records.append(record.message_id)
        if len(records) == 2:
            raise LambdaTimeout("Task timed out")
        real_record(record)

    monkeypatch.setattr(handler, "record_handler", dies_before_the_second)
    # When the function times out after the first interview's invitations
    assert deliver("reminders", handler.lambda_handler).timed_out == 1
    assert len(outbox.messages()) == 3
    monkeypatch.setattr(handler, "record_handler", real_record)
    # And the batch comes back, twice
    assert deliver("reminders", handler.lambda_handler, times=2).failed == []
    # Then each of the six invitations went once
    keys = Counter(str(m["X-Outreach-Key"]) for m in outbox.messages())
    assert len(keys) == 6
    assert set(keys.values()) == {1}
    # When two sweeps a day before queue the same reminders, delivered twice
    clock.value = INTERVIEW_START - timedelta(hours=24)
    sweep.run()
    sweep.run()
    assert deliver("reminders", handler.lambda_handler, times=2).failed == []
    # Then each interviewer got one reminder per interview
    sent = outbox.messages()
    keys = Counter(str(m["X-Outreach-Key"]) for m in sent)
    assert (len(sent), len(keys)) == (10, 10)
    assert Counter(str(m["To"]) for m in sent[6:]) == Counter(
        {"ivy@acme.example": 2, "liam@acme.example": 2}
    )
    handler.use(None)


# --- poison messages: after the queue's receives, the dead-letter queue --------------


def _consumers() -> dict[str, Any]:
    from outreach import handler as outreach
    from reminders import handler as reminders
    from report_exports import handler as report_exports
    from resume_parser import handler as resume_parser

    from search_indexer import handler as search_indexer

    for module in (outreach, reminders, resume_parser, search_indexer):
        module.use(None)
    report_exports.use(None)
    return {
        "outreach": outreach.lambda_handler,
        "reminders": reminders.lambda_handler,
        "report_requests": report_exports.lambda_handler,
        "resume_uploads": resume_parser.lambda_handler,
        "search_updates": search_indexer.lambda_handler,
    }


POISON = {
    # not JSON at all, on every queue; and a well-formed message naming what cannot be done
    "outreach": {"type": "outreach.step", "sequence_id": "s"},  # no candidate, no step
    "reminders": {"type": "notice"},  # no key
    "report_requests": {"type": "report.run"},  # no run id
    "resume_uploads": {"Records": "not a list of records"},
    "search_updates": {"detail-type": "candidate.updated", "detail": {}},  # no person
}


# Beside each: a message the consumer can finish (by ignoring it, or indexing nobody).
HARMLESS = {
    "outreach": {"type": "no.such"},
    "reminders": {"type": "no.such"},
    "report_requests": {"type": "no.such"},
    "resume_uploads": {"Records": []},
    "search_updates": {"detail-type": "candidate.updated", "detail": {"candidate_id": "0" * 32}},
}


def test_poison_messages_land_in_each_dlq_after_the_queues_receives(
    aws, demo, tmp_path, monkeypatch
):
    """10 poison messages (2 per queue: not JSON, and impossible), each delivered
    max_receives times (5, or 3 for report requests): all 10 dead-lettered, the good
    message beside each first one done once."""
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    sqs = boto3.client("sqs")
    for key, handler in _consumers().items():
        visible_again_at_once(key)
        url = queue_url(key)
        for message in waiting(url):  # (S3's test event, left by provisioning)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        sqs.send_message(QueueUrl=url, MessageBody="{not json")
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(POISON[key]))
        ignored = sqs.send_message(QueueUrl=url, MessageBody=json.dumps(HARMLESS.get(key, {})))
        TALLY["fault poison message"] += 2
        # When the consumer is given the queue again and again
        failures = Counter[str]()
        for _ in range(2 * wiring.queue(key).max_receives + 2):
            for message_id in deliver(key, handler).failed:
                failures[message_id] += 1
        # Then each poison message failed max_receives times, then moved to the DLQ;
        # the message it could ignore was handled once and deleted
        max_receives = wiring.queue(key).max_receives
        assert sorted(failures.values()) == [max_receives, max_receives], key
        assert ignored["MessageId"] not in failures
        assert waiting(url) == [], key
        dead = sorted(m["Body"] for m in waiting(dlq_url(key)))
        assert dead == sorted(["{not json", json.dumps(POISON[key])]), key
        TALLY["dead-lettered"] += len(dead)
