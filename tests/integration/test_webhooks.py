"""Outbound webhooks end to end: admins register endpoints, domain events reach a real HTTP
receiver on this machine signed as Standard Webhooks says, failures are retried on the
schedule (SQS visibility), every attempt is logged, an endpoint that keeps failing is
disabled with its admin alerted, and deliveries can be sent again by hand."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.utils import unix_time_millis
from moto.sqs.models import sqs_backends

from recruiting import wiring
from recruiting.outreach import mail
from recruiting_local.context import LocalContext
from recruiting_local.pump import sqs_event
from support import application

ADMIN_EMAIL = "ada.admin@acme.example"
DELAYS = [60, 300, 1_800, 7_200, 18_000, 36_000, 36_000]


# --- a receiver on 127.0.0.1 ---------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server that records every request and answers as it is told, per path:
    a status code, or "slow" (answers after the sender has stopped waiting)."""

    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    answers: dict[str, list[int | str]] = field(default_factory=dict)
    default: dict[str, int] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server.server_address[1]}{path}"

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    def answer(self, path: str) -> int | str:
        queued = self.answers.get(path)
        return queued.pop(0) if queued else self.default.get(path, 200)


@pytest.fixture
def receiver():
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                recorder.requests.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                answer = recorder.answer(self.path)
            if answer == "slow":
                time.sleep(1.0)
                answer = 200
            if answer == "hold":  # until the test lets it answer
                recorder.release.wait(10)
                answer = 200
            payload = b'{"received": true}' if answer == 200 else b"receiver says no" * 200
            try:
                self.send_response(int(answer))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the sender stopped waiting

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    recorder = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()


# --- the world: recruiter API, intake API, webhooks function, one clock --------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@dataclass
class World:
    env: dict[str, str]
    ats: Any
    api: Any
    handler: Any
    clock: Clock
    outbox: mail.LocalOutbox
    hidden: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def admin(self) -> Any:
        caller = self.ats.as_role("admin", "ada-admin")
        caller.claims["email"] = ADMIN_EMAIL
        return caller

    def register(self, url: str, event_types: list[str], **extra: Any) -> dict[str, Any]:
        reply = self.admin.post_json(
            "/ats/webhooks", {"url": url, "event_types": event_types, **extra}
        )
        assert reply.status == 201, reply.body
        return reply.json()

    def deliveries(self, webhook_id: str, **query: Any) -> list[dict[str, Any]]:
        reply = self.admin.get(f"/ats/webhooks/{webhook_id}/deliveries", **query)
        assert reply.status == 200, reply.body
        return reply.json()["deliveries"]

    def apply(self, email: str = "grace@example.com") -> dict[str, Any]:
        reply = self.api.post_json("/jobs/4000001/applications", application(email=email))
        assert reply.status == 201, reply.body
        return reply.json()

    def _queue(self, key: str) -> tuple[str, str]:
        url = self.env[wiring.queue(key).env]
        arn = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    def _drain(self, key: str) -> int:
        """What Lambda's SQS event source does: batches to the function, the succeeded
        deleted, the failed left on the queue (hidden as long as the function asked)."""
        sqs = boto3.client("sqs")
        url, arn = self._queue(key)
        handled = 0
        while True:
            messages = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
            if not messages:
                return handled
            handled += len(messages)
            result = self.handler.lambda_handler(
                sqs_event(messages, arn), LocalContext("webhooks", timeout_seconds=120)
            )
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            for message in messages:
                if message["MessageId"] in failed:
                    self.hidden[message["MessageId"]] = (url, message["ReceiptHandle"])
                else:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def run(self) -> None:
        """Fan out the events waiting, then make the attempts that are due, until nothing
        is left to do now (an attempt may publish an event: webhook.disabled)."""
        while self._drain("webhook_events") + self._drain("webhook_deliveries"):
            pass

    def hidden_for(self) -> list[int]:
        """How long SQS keeps each failed delivery message hidden (seconds, rounded)."""
        backend = sqs_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
        now = unix_time_millis()
        seconds = []
        for message_id, (url, _) in self.hidden.items():
            queue = backend.get_queue(url.rsplit("/", 1)[-1])
            message = next(m for m in queue._messages if m.id == message_id)
            seconds.append(round((message.visible_at - now) / 1000))
        return sorted(seconds)

    def advance(self, seconds: int) -> None:
        """Time passes: the clock moves and the hidden messages come back."""
        self.clock.value += timedelta(seconds=seconds)
        sqs = boto3.client("sqs")
        for url, handle in self.hidden.values():
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
        self.hidden.clear()

    def mail_to(self, address: str) -> list[Any]:
        return [m for m in self.outbox.messages() if str(m["To"]) == address]


@pytest.fixture
def world(aws, api, ats, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE_HTTP", "true")
    from webhooks import handler

    from recruiter import dependencies

    handler.use(None)
    worker = handler.build()
    clock = Clock(datetime.now(UTC))
    worker.fanout.now = worker.deliverer.now = clock
    worker.deliverer.timeout = 0.3
    dependencies.get().webhooks.now = clock
    yield World(aws, ats, api, handler, clock, mail.LocalOutbox(tmp_path / "outbox"))
    handler.use(None)


def _signatures(header: str) -> list[str]:
    return [part.split(",", 1)[1] for part in header.split(" ") if part.startswith("v1,")]


def _expected(secret: str, request: Received) -> str:
    """The signature computed here, independently: HMAC-SHA256 with the secret's decoded
    bytes over "{webhook-id}.{webhook-timestamp}.{body}", base64."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = (
        f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode()
        + request.body
    )
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# --- registration ------------------------------------------------------------------------


def test_registering_answers_the_signing_secret_once(world, receiver):
    # When an admin registers an endpoint
    created = world.register(receiver.url("/hooks"), ["application.received"], description="HRIS")
    # Then the answer carries a Standard Webhooks secret: whsec_ and 24+ random bytes
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    assert created["enabled"] is True
    assert created["alert_email"] == ADMIN_EMAIL
    assert created["event_types"] == ["application.received"]
    # And it is never shown again: not in the list, not on the endpoint
    listed = world.admin.get("/ats/webhooks").json()["webhooks"]
    assert [w["webhook_id"] for w in listed] == [created["webhook_id"]]
    shown = world.admin.get(f"/ats/webhooks/{created['webhook_id']}").json()
    assert "secret" not in listed[0]
    assert "secret" not in shown
    assert created["secret"] not in json.dumps(listed) + json.dumps(shown)
    assert shown["description"] == "HRIS"


def test_bad_urls_and_unknown_event_types_are_refused_naming_the_field(world, receiver):
    from recruiter import dependencies

    service = dependencies.get().webhooks
    service.allow_private = False  # as deployed
    dns = {
        "hooks.acme.example": ["93.184.215.14"],
        # every address a name resolves to must be public, not just the first
        "sneaky.acme.example": ["93.184.215.14", "10.1.2.3"],
        "metadata.acme.example": ["169.254.169.254"],
        "docs.acme.example": ["203.0.113.7"],  # a documentation range
        "v6.acme.example": ["2001:db8::1"],
        "mapped.acme.example": ["::ffff:127.0.0.1"],
    }
    service.resolve = lambda host, port: dns.get(host, [])
    cases = {
        "http://hooks.acme.example/x": "https_required",
        "ftp://hooks.acme.example/x": "https_required",
        "https://user:pass@hooks.acme.example/x": "credentials",
        "https://10.0.0.7/x": "private_address",
        "https://127.0.0.1/x": "private_address",
        "https://[::1]/x": "private_address",
        "https://[::ffff:192.168.1.1]/x": "private_address",
        "https://[fe80::1]/x": "private_address",
        "https://169.254.169.254/latest/meta-data": "private_address",
        "https://metadata.acme.example/x": "private_address",
        "https://sneaky.acme.example/x": "private_address",
        "https://127.1/x": "ip_literal_form",
        "https://docs.acme.example/x": "private_address",
        "https://v6.acme.example/x": "private_address",
        "https://mapped.acme.example/x": "private_address",
        "https://nowhere.acme.example/x": "unresolvable",
        "https://hooks.acme.example/a b": "syntax",
    }
    for url, rule in cases.items():
        reply = world.admin.post_json("/ats/webhooks", {"url": url, "event_types": ["*"]})
        assert reply.status == 422, (url, reply.body)
        assert ("url", rule) in reply.field_rules(), (url, reply.json())
    # And event types must be from the catalogue, at least one, "*" alone
    url = "https://hooks.acme.example/x"
    for event_types, field_rule in (
        (["application.received", "application.nope"], ("event_types.1", "unknown_event_type")),
        ([], ("event_types", "too_short")),
        (["*", "job.created"], ("event_types", "wildcard_alone")),
    ):
        reply = world.admin.post_json("/ats/webhooks", {"url": url, "event_types": event_types})
        assert reply.status == 422, reply.body
        assert field_rule in reply.field_rules(), reply.json()
    # While a public https URL is accepted, and nothing else was stored
    assert world.admin.post_json("/ats/webhooks", {"url": url, "event_types": ["*"]}).status == 201
    assert len(world.admin.get("/ats/webhooks").json()["webhooks"]) == 1
    # A change of URL is checked the same way
    webhook_id = world.admin.get("/ats/webhooks").json()["webhooks"][0]["webhook_id"]
    reply = world.admin.patch_json(f"/ats/webhooks/{webhook_id}", {"url": "https://10.0.0.7/"})
    assert reply.status == 422
    assert ("url", "private_address") in reply.field_rules()


def test_only_admins_manage_webhooks(world, receiver):
    created = world.register(receiver.url("/hooks"), ["*"])
    webhook_id = created["webhook_id"]
    zero = "0" * 32
    calls = [
        ("GET", "/ats/webhooks", None),
        ("POST", "/ats/webhooks", {"url": receiver.url("/x"), "event_types": ["*"]}),
        ("GET", f"/ats/webhooks/{webhook_id}", None),
        ("PATCH", f"/ats/webhooks/{webhook_id}", {"enabled": False}),
        ("DELETE", f"/ats/webhooks/{webhook_id}", None),
        ("POST", f"/ats/webhooks/{webhook_id}/secret", {}),
        ("GET", f"/ats/webhooks/{webhook_id}/deliveries", None),
        ("POST", f"/ats/webhooks/{webhook_id}/deliveries/{zero}/redeliver", {}),
    ]
    for role in ("recruiter", "hiring_manager", "interviewer"):
        caller = world.ats.as_role(role)
        for method, path, payload in calls:
            if method == "PATCH":
                reply = caller.patch_json(path, payload)
            elif payload is not None:
                reply = caller.post_json(path, payload)
            else:
                reply = caller.request(method, path)
            assert reply.status == 403, (role, method, path, reply.body)
            assert "secret" not in reply.json()
    # And the endpoint is as it was
    assert world.admin.get(f"/ats/webhooks/{webhook_id}").json()["enabled"] is True


# --- delivery ----------------------------------------------------------------------------


def test_an_event_arrives_once_signed_at_the_subscribed_endpoint_only(world, receiver):
    # Given an endpoint for applications (at a host name: the request goes to the address
    # the name was checked at, and keeps the name in the Host header) and one for moves
    from recruiter import dependencies

    names = {"receiver.test": ["127.0.0.1"]}
    dependencies.get().webhooks.resolve = lambda host, port: names.get(host, [])
    world.handler.build().deliverer.resolve = lambda host, port: names.get(host, [])
    hris = world.register(receiver.url("/hris", host="receiver.test"), ["application.received"])
    chat = world.register(receiver.url("/chat"), ["candidate.stage_changed"])
    # When someone applies to a job
    receipt = world.apply()
    world.run()
    # Then the subscribed endpoint gets the event once, and the other gets nothing
    assert receiver.to("/chat") == []
    [request] = receiver.to("/hris")
    body = request.json()
    assert body["type"] == "application.received"
    assert body["data"]["application_id"] == receipt["application_id"]
    assert body["data"]["candidate_id"] == receipt["candidate_id"]
    assert datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert set(body) == {"id", "type", "timestamp", "data"}
    # With the Standard Webhooks headers: the event id, the time, a valid signature
    headers = request.headers
    assert headers["webhook-id"] == body["id"]
    assert abs(int(headers["webhook-timestamp"]) - world.clock().timestamp()) < 2
    assert _signatures(headers["webhook-signature"]) == [_expected(hris["secret"], request)]
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith("Recruiting-Webhooks/")
    assert headers["host"] == f"receiver.test:{receiver.server.server_address[1]}"
    # And the reference library's algorithm (the specification's test vector) agrees
    from recruiting.webhooks import signing

    assert signing.verify(
        hris["secret"],
        headers["webhook-id"],
        int(headers["webhook-timestamp"]),
        request.body,
        headers["webhook-signature"],
    )
    # And the delivery is logged with its answer and how long it took
    [delivery] = world.deliveries(hris["webhook_id"])
    assert delivery["status"] == "delivered"
    assert delivery["event_id"] == body["id"]
    assert delivery["event_type"] == "application.received"
    assert delivery["attempts"] == 1
    assert delivery["last_response_status"] == 200
    assert isinstance(delivery["last_response_ms"], int)
    assert delivery["last_response_body"] == '{"received": true}'
    assert delivery["delivered_at"] is not None
    assert delivery["next_attempt_at"] is None
    assert world.deliveries(chat["webhook_id"]) == []

    # When the recruiter moves the candidate
    reply = world.ats.as_role("recruiter").post_json(
        f"/ats/candidates/{receipt['candidate_id']}/applications/{receipt['application_id']}/moves",
        {"to_stage": "screen"},
    )
    assert reply.status == 200, reply.body
    world.run()
    # Then only the endpoint for moves hears of it
    [moved] = receiver.to("/chat")
    assert moved.json()["type"] == "candidate.stage_changed"
    assert moved.json()["data"]["to_stage"] == "screen"
    assert len(receiver.to("/hris")) == 1


def test_the_same_event_twice_makes_one_delivery(world, receiver):
    created = world.register(receiver.url("/hooks"), ["application.received"])
    world.apply()
    # Given the event as EventBridge put it on the queue, delivered a second time
    sqs = boto3.client("sqs")
    url = world.env[wiring.WEBHOOK_EVENTS_QUEUE.env]
    [message] = sqs.receive_message(QueueUrl=url).get("Messages", [])
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
    # When both are processed (and the attempts are made), then again after a while
    world.run()
    world.advance(3600)
    sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
    world.run()
    # Then there is one delivery and the receiver heard of the event once
    assert len(world.deliveries(created["webhook_id"])) == 1
    assert len(receiver.to("/hooks")) == 1


def test_a_failing_receiver_is_retried_on_the_schedule_until_it_answers(world, receiver):
    created = world.register(receiver.url("/hooks"), ["application.received"])
    # Given a receiver that fails, fails, does not answer in time, then recovers
    receiver.answers["/hooks"] = [500, 503, "slow", 200]
    world.apply()
    start = world.clock()
    world.run()
    # Then the first failure hides the message for a minute, and says when it comes back
    assert world.hidden_for() == [60]
    [delivery] = world.deliveries(created["webhook_id"])
    assert delivery["status"] == "retrying"
    assert delivery["next_attempt_at"] == _iso(start + timedelta(seconds=60))
    assert (delivery["last_response_status"], delivery["last_error"]) == (500, "HTTP 500")
    # And nothing is tried before it is due
    world.run()
    assert len(receiver.to("/hooks")) == 1
    # When the minute passes: the second attempt fails, back in 5 minutes
    world.advance(60)
    world.run()
    assert world.hidden_for() == [300]
    # Then the third does not answer within the timeout, back in 30 minutes
    world.advance(300)
    world.run()
    assert world.hidden_for() == [1800]
    [delivery] = world.deliveries(created["webhook_id"])
    assert delivery["last_response_status"] is None
    assert delivery["last_error"] == "timeout after 0.3 s"
    assert delivery["next_attempt_at"] == _iso(start + timedelta(seconds=60 + 300 + 1800))
    # And the fourth is delivered
    world.advance(1800)
    world.run()
    assert world.hidden == {}
    [delivery] = world.deliveries(created["webhook_id"])
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 4
    # Every attempt is logged with its answer (or error) and duration
    log = delivery["attempt_log"]
    assert [(a["attempt"], a["response_status"], a["error"]) for a in log] == [
        (1, 500, "HTTP 500"),
        (2, 503, "HTTP 503"),
        (3, None, "timeout after 0.3 s"),
        (4, 200, None),
    ]
    assert all(isinstance(a["response_ms"], int) and a["response_ms"] >= 0 for a in log)
    assert log[2]["response_ms"] >= 300
    # The stored answer is at most 1 KB, and the same event id went every time
    assert all(r.headers["webhook-id"] == delivery["event_id"] for r in receiver.to("/hooks"))
    assert len(receiver.to("/hooks")) == 4


def test_a_delivery_failing_every_attempt_ends_failed_not_dead_lettered(world, receiver):
    created = world.register(receiver.url("/hooks"), ["application.received"])
    receiver.default["/hooks"] = 500
    world.apply()
    world.run()
    requested = []
    for delay in DELAYS:
        requested += world.hidden_for()
        world.advance(delay)
        world.run()
    # Then it was tried 8 times over about a day, at the scheduled delays
    assert requested == DELAYS
    assert sum(DELAYS) / 3600 == pytest.approx(27.6)
    assert len(receiver.to("/hooks")) == 8
    [delivery] = world.deliveries(created["webhook_id"])
    assert delivery["status"] == "failed"
    assert delivery["attempts"] == 8
    assert delivery["next_attempt_at"] is None
    assert delivery["last_response_body"] == ("receiver says no" * 200)[:1024]
    assert [a["response_status"] for a in delivery["attempt_log"]] == [500] * 8
    # And the message is gone: decided by the function, not by the dead-letter queue
    sqs = boto3.client("sqs")
    for queue in ("WEBHOOK_DELIVERIES_QUEUE_URL", "WEBHOOK_DELIVERIES_QUEUE_URL_DLQ"):
        assert sqs.receive_message(QueueUrl=world.env[queue]).get("Messages", []) == []
    # And one failed delivery does not disable the endpoint
    endpoint = world.admin.get(f"/ats/webhooks/{created['webhook_id']}").json()
    assert (endpoint["enabled"], endpoint["consecutive_failures"]) == (True, 1)


def test_an_endpoint_that_keeps_failing_is_disabled_and_its_admin_alerted(
    world, receiver, bus_events
):
    broken = world.register(receiver.url("/broken"), ["application.received"])
    world.register(receiver.url("/watcher"), ["webhook.disabled"])
    receiver.default["/broken"] = 500
    # Given five applications whose deliveries each fail every attempt
    for n in range(5):
        world.apply(f"person{n}@example.com")
    world.run()
    for delay in DELAYS:
        world.advance(delay)
        world.run()
    assert len(receiver.to("/broken")) == 5 * 8
    # Then the endpoint is disabled
    endpoint = world.admin.get(f"/ats/webhooks/{broken['webhook_id']}").json()
    assert endpoint["enabled"] is False
    assert endpoint["disabled_reason"] == "consecutive_failures"
    assert endpoint["consecutive_failures"] == 5
    # And webhook.disabled was published on the bus (and reached its subscriber)
    published = []
    while batch := bus_events():
        published += batch
    disabled = [e for e in published if e["detail-type"] == "webhook.disabled"]
    assert [e["detail"]["webhook_id"] for e in disabled] == [broken["webhook_id"]]
    [notice] = receiver.to("/watcher")
    assert notice.json()["data"]["webhook_id"] == broken["webhook_id"]
    # And the admin who registered it got one e-mail saying so
    [alert] = world.mail_to(ADMIN_EMAIL)
    assert "Webhook disabled" in str(alert["Subject"])
    assert broken["webhook_id"] in alert.get_content()
    # When another application arrives, nothing is sent; the delivery is recorded
    world.apply("late@example.com")
    world.run()
    assert len(receiver.to("/broken")) == 40
    deliveries = world.deliveries(broken["webhook_id"])
    assert len(deliveries) == 6
    assert sum(d["last_error"] == "endpoint disabled" for d in deliveries) == 1
    assert {d["status"] for d in deliveries} == {"failed"}
    # And a redelivery is refused while it is disabled
    target = deliveries[-1]
    path = f"/ats/webhooks/{broken['webhook_id']}/deliveries/{target['delivery_id']}/redeliver"
    reply = world.admin.post_json(path, {})
    assert reply.status == 409, reply.body
    # When the admin re-enables it and redelivers a failed delivery by hand
    reply = world.admin.patch_json(f"/ats/webhooks/{broken['webhook_id']}", {"enabled": True})
    assert reply.status == 200, reply.body
    assert (reply.json()["enabled"], reply.json()["consecutive_failures"]) == (True, 0)
    receiver.default["/broken"] = 200
    reply = world.admin.post_json(path, {})
    assert reply.status == 202, reply.body
    world.run()
    # Then the same event goes again, with the same event id, and is delivered
    resent = receiver.to("/broken")[-1]
    assert resent.headers["webhook-id"] == target["event_id"]
    assert resent.json()["id"] == target["event_id"]
    again = next(
        d
        for d in world.deliveries(broken["webhook_id"])
        if d["delivery_id"] == target["delivery_id"]
    )
    assert (again["status"], again["attempts"], again["redeliveries"]) == ("delivered", 1, 1)
    assert [a["series"] for a in again["attempt_log"]] == [0] * 8 + [1]
    # And no second alert was sent
    assert len(world.mail_to(ADMIN_EMAIL)) == 1


def test_redelivering_a_delivered_event_sends_it_again_with_its_id(world, receiver):
    created = world.register(receiver.url("/hooks"), ["application.received"])
    world.apply()
    world.run()
    [delivery] = world.deliveries(created["webhook_id"])
    webhook = created["webhook_id"]
    reply = world.admin.post_json(
        f"/ats/webhooks/{webhook}/deliveries/{delivery['delivery_id']}/redeliver", {}
    )
    assert reply.status == 202
    assert reply.json()["status"] == "pending"
    world.run()
    first, second = receiver.to("/hooks")
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery["event_id"]
    assert first.body == second.body
    # Unknown deliveries and webhooks are 404
    zero = "0" * 32
    unknown = f"/ats/webhooks/{webhook}/deliveries/{zero}/redeliver"
    assert world.admin.post_json(unknown, {}).status == 404
    assert world.admin.get(f"/ats/webhooks/{zero}/deliveries").status == 404


def test_a_redelivery_while_an_attempt_is_out_starts_a_new_series(world, receiver):
    created = world.register(receiver.url("/hooks"), ["application.received"])
    webhook = created["webhook_id"]
    world.handler.build().deliverer.timeout = 10
    receiver.answers["/hooks"] = ["hold"]
    world.apply()
    world._drain("webhook_events")
    # Given an attempt out, waiting for the receiver's answer
    sending = threading.Thread(target=world._drain, args=("webhook_deliveries",))
    sending.start()
    deadline = time.monotonic() + 10
    while not receiver.to("/hooks") and time.monotonic() < deadline:
        time.sleep(0.01)
    [delivery] = world.deliveries(webhook)
    # When the admin redelivers it meanwhile, then the receiver answers the first
    path = f"/ats/webhooks/{webhook}/deliveries/{delivery['delivery_id']}/redeliver"
    assert world.admin.post_json(path, {}).status == 202
    receiver.release.set()
    sending.join(10)
    world.run()
    # Then both attempts are logged, each under its series, and the new series is done
    [delivery] = world.deliveries(webhook)
    assert [(a["series"], a["attempt"], a["response_status"]) for a in delivery["attempt_log"]] == [
        (0, 1, 200),
        (1, 1, 200),
    ]
    assert (delivery["status"], delivery["attempts"], delivery["redeliveries"]) == (
        "delivered",
        1,
        1,
    )
    assert len(receiver.to("/hooks")) == 2
    assert world.hidden == {}


def test_a_rotated_secret_signs_beside_the_new_one_for_a_day(world, receiver):
    created = world.register(receiver.url("/hooks"), ["application.received"])
    webhook = created["webhook_id"]
    # When the admin rotates the secret
    reply = world.admin.post_json(f"/ats/webhooks/{webhook}/secret", {})
    assert reply.status == 200, reply.body
    rotated = reply.json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]
    assert world.admin.get(f"/ats/webhooks/{webhook}").json()["previous_secret_expires_at"]
    world.apply("one@example.com")
    world.run()
    # Then deliveries carry two signatures: the new secret's and the old one's
    [request] = receiver.to("/hooks")
    assert _signatures(request.headers["webhook-signature"]) == [
        _expected(rotated["secret"], request),
        _expected(created["secret"], request),
    ]
    # And a day later only the new secret signs
    world.clock.value += timedelta(hours=24, seconds=1)
    world.apply("two@example.com")
    world.run()
    later = receiver.to("/hooks")[-1]
    assert _signatures(later.headers["webhook-signature"]) == [_expected(rotated["secret"], later)]
    assert world.admin.get(f"/ats/webhooks/{webhook}").json()["previous_secret_expires_at"] is None


def test_a_host_that_resolves_to_a_private_address_at_send_time_is_not_called(world, receiver):
    from recruiter import dependencies

    # Given an endpoint whose name resolved to a public address when it was registered
    answers = {"hooks.acme.example": ["93.184.215.14"]}
    service = dependencies.get().webhooks
    service.allow_private = False
    service.resolve = lambda host, port: answers.get(host, [])
    deliverer = world.handler.build().deliverer
    deliverer.allow_private = False
    deliverer.resolve = lambda host, port: answers.get(host, [])
    created = world.register("https://hooks.acme.example/ats", ["application.received"])
    # When its DNS now answers with the metadata service's address
    answers["hooks.acme.example"] = ["169.254.169.254"]
    world.apply()
    world.run()
    # Then nothing is sent: the attempt fails, saying why, and is retried later
    assert receiver.requests == []
    [delivery] = world.deliveries(created["webhook_id"])
    assert delivery["status"] == "retrying"
    assert delivery["last_error"].startswith("url refused (private_address)")
    assert delivery["last_response_status"] is None


def test_deliveries_are_listed_newest_first_a_page_at_a_time(world, receiver):
    created = world.register(receiver.url("/hooks"), ["application.received"])
    for n in range(3):
        world.apply(f"p{n}@example.com")
    world.run()
    webhook = created["webhook_id"]
    first = world.admin.get(f"/ats/webhooks/{webhook}/deliveries", limit=2).json()
    assert len(first["deliveries"]) == 2
    assert first["next_cursor"]
    second = world.admin.get(
        f"/ats/webhooks/{webhook}/deliveries", limit=2, cursor=first["next_cursor"]
    ).json()
    everything = first["deliveries"] + second["deliveries"]
    assert len({d["delivery_id"] for d in everything}) == 3
    times = [d["event_time"] for d in everything]
    assert times == sorted(times, reverse=True)
    assert world.admin.get(f"/ats/webhooks/{webhook}/deliveries", cursor="nope!").status == 422


def test_a_deleted_or_paused_endpoint_gets_nothing_more(world, receiver):
    gone = world.register(receiver.url("/gone"), ["application.received"])
    paused = world.register(receiver.url("/paused"), ["*"])
    world.apply("first@example.com")
    world._drain("webhook_events")  # the deliveries are written and queued
    # When one endpoint is deleted and the other paused before the attempts are made
    assert world.admin.request("DELETE", f"/ats/webhooks/{gone['webhook_id']}").status == 204
    reply = world.admin.patch_json(f"/ats/webhooks/{paused['webhook_id']}", {"enabled": False})
    assert reply.json()["enabled"] is False
    world.run()
    world.apply("second@example.com")
    world.run()
    # Then neither is called
    assert receiver.requests == []
    assert world.admin.get(f"/ats/webhooks/{gone['webhook_id']}").status == 404
    assert {d["status"] for d in world.deliveries(paused["webhook_id"])} == {"failed"}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_cursor_of_another_webhooks_list_is_refused_naming_it(world, receiver):
    one = world.register(receiver.url("/one"), ["application.received"])
    other = world.register(receiver.url("/other"), ["application.received"])
    for n in range(2):
        world.apply(f"c{n}@example.com")
    world.run()
    page = world.admin.get(f"/ats/webhooks/{one['webhook_id']}/deliveries", limit=1).json()
    assert page["next_cursor"]
    # When that cursor is sent with the other endpoint's list
    reply = world.admin.get(
        f"/ats/webhooks/{other['webhook_id']}/deliveries", limit=1, cursor=page["next_cursor"]
    )
    # Then it is a 422 naming the cursor, not a server error
    assert reply.status == 422
    assert [e["field"] for e in reply.json()["errors"]] == ["cursor"]


def test_a_redelivery_that_cannot_be_queued_is_not_left_pending(world, receiver, monkeypatch):
    from recruiter import dependencies

    created = world.register(receiver.url("/hooks"), ["application.received"])
    world.apply()
    world.run()
    webhook = created["webhook_id"]
    [delivery] = world.deliveries(webhook)
    path = f"/ats/webhooks/{webhook}/deliveries/{delivery['delivery_id']}/redeliver"
    service = dependencies.get().webhooks
    queued = service.enqueue

    def queue_down(message: Any) -> None:
        raise RuntimeError("SQS is unavailable")

    # When the queue refuses the redelivery
    monkeypatch.setattr(service, "enqueue", queue_down)
    with pytest.raises(RuntimeError):
        world.admin.post_json(path, {})
    # Then the delivery says so instead of waiting for a message that never comes
    [after] = world.deliveries(webhook)
    assert (after["status"], after["last_error"]) == (
        "failed",
        "the redelivery could not be queued; ask again",
    )
    # And asking again once the queue is back sends it
    monkeypatch.setattr(service, "enqueue", queued)
    assert world.admin.post_json(path, {}).status == 202
    world.run()
    assert len(receiver.to("/hooks")) == 2
    [again] = world.deliveries(webhook)
    assert again["status"] == "delivered"
