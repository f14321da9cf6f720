"""The AWS cost of 1,000 applications end to end, from what the system does on moto.

Every function runs in this process through its real handler, with the events AWS
would send, on one clock the run moves forward:

1. apply: the applications (250 by default, then scaled to 1,000), each with a
   real resume PDF from the shared corpus (61 files in turn), POSTed through the
   intake handler (API Gateway and WAF requests);
2. parse and index: the S3 notifications and bus events they cause, delivered
   from the queues to the resume parser and the search indexer in batches of 10;
3. outreach step: a recruiter writes a one-step sequence and enrols them all;
   the reminders function's schedule queues the steps and the outreach function
   sends one e-mail each through SES;
4. interviews and reminders: one in ten is invited to an interview with two
   interviewers (invitations with calendar parts), then reminded an hour before,
   then the interviewers are chased for scorecards a day after;
5. weekly report: a hiring lead's weekly funnel subscription, built (CSV and PDF
   to S3) and e-mailed on its hour.

The meter (``benchmarks.metering``) counts every AWS call and models DynamoDB's
request units from the items; the invoker times every invocation. Lambda is billed
per invocation at its configured memory, rounding each duration up to the
millisecond; the durations are those measured here, with moto answering in-process
in place of the network. Each queue delivery costs what Lambda's SQS poller does
(one ReceiveMessage and one DeleteMessageBatch per batch) plus, for messages AWS
services put there (S3 notifications, EventBridge targets), their SendMessage.

Two totals are printed: warm (environments reused, as under steady traffic) and
cold (every invocation also pays its INIT, the handler's import measured in a
fresh interpreter: the worst case of traffic so sparse nothing stays warm).
Schedules run whether or not anyone applies: their monthly cost is printed apart,
from the idle sweeps measured at the end.
"""

from __future__ import annotations

import base64
import json
import math
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from benchmarks import cold_start, prices
from benchmarks.environment import moto_account
from benchmarks.metering import Meter, Usage
from recruiting import wiring
from recruiting.demo import seed
from recruiting.storage.jobs import JobRepository
from recruiting_local.apigw import HttpRequest, from_result, match, to_event
from recruiting_local.pump import context_for, scheduled_event, sqs_event
from recruiting_local.server import Functions

# Measured on 250 by default (about five minutes) and scaled to 1,000: every phase
# but the weekly report is per application. BENCH_COST_APPLICATIONS=1000 runs all.
APPLICATIONS = int(os.environ.get("BENCH_COST_APPLICATIONS", "250"))
INTERVIEWED = max(1, APPLICATIONS // 10)
# A Wednesday at noon: the weekly report runs the next Monday at 08:00 in Berlin.
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RESUMES = Path(__file__).resolve().parents[1].parent / "shared" / "resumes"
PHASES = ("apply", "parse and index", "outreach step", "interviews and reminders", "weekly report")
ONCE = {"weekly report"}  # one a week however many applied
IDLE = "idle schedules"
MONTH_MINUTES = 30 * 24 * 60
FUNCTION = {f.name: f for f in wiring.FUNCTIONS}


class Clock:
    def __init__(self, value: datetime) -> None:
        self.value = value

    def __call__(self) -> datetime:
        return self.value


@dataclass
class Invocations:
    """Invocations of one function in one phase: their durations in seconds."""

    durations: list[float] = field(default_factory=list)

    def billed_ms(self) -> int:
        return sum(math.ceil(d * 1000) for d in self.durations)


class Run:
    """The functions, their queues and the meter on one moto account."""

    def __init__(self, env: dict[str, str], meter: Meter, clock: Clock) -> None:
        self.env = env
        self.meter = meter
        self.clock = clock
        self.functions = Functions()
        self.invocations: dict[tuple[str, str], Invocations] = defaultdict(Invocations)
        self.api_requests: Counter[str] = Counter()
        self.batches: Counter[str] = Counter()
        self.delivered: Counter[str] = Counter()
        self.sqs = boto3.client("sqs")
        self.phase = "setup"

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        function = FUNCTION[name]
        handler = self.functions.handler(function)
        with self.meter.charging(self.phase, name):
            overhead = self.meter.overhead
            started = time.perf_counter()
            result = handler(event, context_for(function))
            # Less the meter's own reads: the function would not make them.
            elapsed = time.perf_counter() - started - (self.meter.overhead - overhead)
        self.invocations[(self.phase, name)].durations.append(elapsed)
        return result

    def call(
        self, method: str, target: str, body: Any = None, claims: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """One API request, as API Gateway would deliver it (after the authorizer)."""
        payload = json.dumps(body).encode() if body is not None else b""
        headers = [("Content-Type", "application/json")] if body is not None else []
        resource, params, _ = match(method, target.split("?", 1)[0])
        assert resource is not None, target
        event = to_event(HttpRequest(method, target, headers, payload), resource, params)
        if claims is not None:
            event["requestContext"]["authorizer"] = {"claims": claims}
        self.api_requests[self.phase] += 1
        response = from_result(self.invoke(resource.function.name, event))
        return response.status, json.loads(response.body or b"null")

    def settle(self) -> None:
        """Deliver every queue to its consumer until all are empty."""
        arns: dict[str, str] = {}
        while True:
            moved = False
            for function in wiring.FUNCTIONS:
                for key in function.consumes:
                    url = self.env[wiring.queue(key).env]
                    with self.meter.pause():
                        if url not in arns:
                            arns[url] = self.sqs.get_queue_attributes(
                                QueueUrl=url, AttributeNames=["QueueArn"]
                            )["Attributes"]["QueueArn"]
                        messages = self.sqs.receive_message(
                            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
                        ).get("Messages", [])
                    if not messages:
                        continue
                    moved = True
                    result = self.invoke(function.name, sqs_event(messages, arns[url])) or {}
                    failed = result.get("batchItemFailures", [])
                    assert not failed, f"{function.name} failed {failed}"
                    with self.meter.pause():
                        self.sqs.delete_message_batch(
                            QueueUrl=url,
                            Entries=[
                                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                                for n, m in enumerate(messages)
                            ],
                        )
                    self.batches[self.phase] += 1
                    self.delivered[self.phase] += len(messages)
            if not moved:
                return

    def tick(self, name: str) -> None:
        """A schedule fires, then what it queued is delivered."""
        self.invoke(name, scheduled_event())
        self.settle()


def _resumes() -> Iterator[tuple[str, bytes]]:
    files = sorted(RESUMES.rglob("*.pdf"))
    assert files, f"no resumes under {RESUMES}"
    while True:
        for path in files:
            yield path.name, path.read_bytes()


def _recruiter(user: str = "rita") -> dict[str, str]:
    return {"sub": user, "cognito:groups": "recruiter"}


def _set_clock(clock: Clock) -> None:
    """Every service that takes a clock runs on the run's."""
    from outreach import handler as outreach
    from reminders import handler as reminders
    from report_exports import handler as reports

    from intake import dependencies as intake
    from recruiter import dependencies as recruiter

    services = recruiter.get()  # each service is built when first asked for
    holders: list[Any] = [intake.get().service]
    holders += [
        getattr(services, name)
        for name in ("pipeline", "collaboration", "pools", "sequences", "interviews", "reports")
    ]
    sender, sweep = reminders.build()
    holders += [outreach.build(), outreach.surveys(), sender, sweep, sweep.outreach]
    holders.append(reports.build())
    for holder in holders:
        if hasattr(holder, "now"):
            holder.now = clock


def _reset() -> None:
    from outreach import handler as outreach
    from privacy import handler as privacy
    from reminders import handler as reminders
    from report_exports import handler as reports
    from resume_parser import handler as parser

    from intake import dependencies as intake
    from recruiter import dependencies as recruiter
    from search_indexer import handler as indexer

    intake.use(None)
    recruiter.use(None)
    outreach.use(None)
    reminders.use(None)
    reports.use(None)
    parser.use(None)
    indexer.use(None)
    privacy.use(None)


def _apply(run: Run, job_id: int) -> list[tuple[str, str]]:
    run.phase = "apply"
    people = []
    resumes = _resumes()
    for n in range(APPLICATIONS):
        name, data = next(resumes)
        status, body = run.call(
            "POST",
            f"/jobs/{job_id}/applications",
            {
                "first_name": "Casey",
                "last_name": f"Applicant{n}",
                "email": f"casey.{n}@example.com",
                "phone": "+1 757 864 1000",
                "consent": {"processing": True, "retention": True},
                "resume": {"filename": name, "content_base64": base64.b64encode(data).decode()},
            },
        )
        assert status == 201, body
        people.append((body["candidate_id"], body["application_id"]))
    return people


def _outreach(run: Run, people: list[tuple[str, str]]) -> int:
    run.phase = "outreach step"
    status, sequence = run.call(
        "POST",
        "/ats/sequences",
        {
            "name": "Platform team",
            "steps": [
                {
                    "delay_days": 0,
                    "subject": "Hi {{ first_name | default('there', true) }}",
                    "body": "We are hiring for {{ job_title }}.\n\n{{ signature }}",
                }
            ],
            "send_window": {"start_hour": 0, "end_hour": 24, "weekdays": list(range(7))},
            "daily_cap": 10_000,
            "job_title": "the platform team",
            "signature": "Rita, Recruiting",
        },
        _recruiter(),
    )
    assert status == 201, sequence
    ids = [candidate for candidate, _ in people]
    for start in range(0, len(ids), 1000):
        status, enrolled = run.call(
            "POST",
            f"/ats/sequences/{sequence['sequence_id']}/enrolments",
            {"candidate_ids": ids[start : start + 1000]},
            _recruiter(),
        )
        assert status == 200, enrolled
    run.tick("reminders")
    return run.meter.total("outreach step").ses_messages


def _interviews(run: Run, people: list[tuple[str, str]]) -> int:
    run.phase = "interviews and reminders"
    for user, zone in (("ivy", "America/New_York"), ("liam", "Europe/Berlin")):
        status, body = run.call(
            "PUT",
            f"/ats/users/{user}/profile",
            {"email": f"{user}@acme.example", "name": user.title(), "time_zone": zone},
            {"sub": user, "cognito:groups": "interviewer"},
        )
        assert status == 200, body
    starts = (START + timedelta(days=2)).replace(hour=15)
    for candidate, application in people[:INTERVIEWED]:
        status, body = run.call(
            "POST",
            f"/ats/candidates/{candidate}/applications/{application}/interviews",
            {
                "title": "Technical interview",
                "start": starts.strftime("%Y-%m-%dT%H:%M:%S"),
                "end": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
                "time_zone": "UTC",
                "video_url": "https://meet.example/abc-defg",
                "interviewers": ["ivy", "liam"],
                "kit": ["System design", "Communication"],
            },
            _recruiter(),
        )
        assert status == 201, body
    run.settle()  # the invitations
    for moment in (starts - timedelta(minutes=59), starts + timedelta(days=1, minutes=1)):
        run.clock.value = moment
        run.tick("reminders")
    return run.meter.total("interviews and reminders").ses_messages


def _report(run: Run) -> int:
    run.phase = "weekly report"
    status, body = run.call(
        "PUT",
        "/ats/users/lena/profile",
        {"email": "lena@acme.example", "name": "Lena Lead", "time_zone": "Europe/Berlin"},
        {"sub": "lena", "cognito:groups": "hiring_manager"},
    )
    assert status == 200, body
    status, body = run.call(
        "POST",
        "/ats/report-subscriptions",
        {"report": "funnel", "cadence": "weekly", "weekday": 0, "hour": 8},
        {"sub": "lena", "cognito:groups": "hiring_manager"},
    )
    assert status == 201, body
    due = datetime.fromisoformat(body["next_run_at"].replace("Z", "+00:00"))
    run.clock.value = due + timedelta(minutes=5)
    run.tick("report_exports")
    return run.meter.total("weekly report").ses_messages


def _idle(run: Run) -> dict[str, float]:
    """One sweep of each schedule with nothing due: seconds per invocation."""
    run.phase = IDLE
    run.clock.value += timedelta(hours=1)
    seconds = {}
    for function in wiring.FUNCTIONS:
        if function.schedules:
            for _ in range(3):
                run.invoke(function.name, scheduled_event())
            seconds[function.name] = statistics.median(
                run.invocations[(IDLE, function.name)].durations
            )
    return seconds


def cold_imports() -> dict[str, float]:
    """Each handler's import in a fresh interpreter (median of 3): its INIT."""
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    return {
        function.name: statistics.median(
            cold_start.time_code(f"import {function.module}", env) for _ in range(3)
        )
        for function in wiring.FUNCTIONS
    }


def compute_dollars(billed_ms: int, memory_mb: int) -> float:
    """Lambda's duration charge: billed milliseconds at a memory size, arm64."""
    return billed_ms / 1000 * memory_mb / 1024 * prices.LAMBDA_ARM_GB_SECOND


@dataclass
class Bill:
    """Dollars by line for one phase."""

    lines: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.lines.values())


def bill(run: Run, phase: str, usage: Usage, init: dict[str, float] | None) -> Bill:
    """The list-price cost of one phase; ``init`` adds an INIT to every invocation."""
    lambda_cost = 0.0
    requests = 0
    for (p, name), invocations in run.invocations.items():
        if p != phase:
            continue
        billed = invocations.billed_ms()
        if init is not None:
            billed += len(invocations.durations) * math.ceil(init[name] * 1000)
        lambda_cost += compute_dollars(billed, FUNCTION[name].memory_mb)
        requests += len(invocations.durations)
    service_sent = max(0, run.delivered[phase] - usage.sqs_messages_sent)
    sqs_requests = usage.sqs_requests + 2 * run.batches[phase] + service_sent
    calls = usage.calls
    secrets = sum(v for k, v in calls.items() if k.startswith("secretsmanager."))
    kms = sum(v for k, v in calls.items() if k.startswith("kms."))
    api = run.api_requests[phase]
    return Bill(
        {
            "Lambda": lambda_cost + requests * prices.LAMBDA_REQUEST,
            "API Gateway + WAF": api * (prices.API_GATEWAY_REQUEST + prices.WAF_REQUEST),
            "DynamoDB": usage.write_units * prices.DYNAMODB_WRITE_UNIT
            + usage.read_units * prices.DYNAMODB_READ_UNIT,
            "S3 requests": usage.s3_put_class * prices.S3_PUT_CLASS
            + usage.s3_get_class * prices.S3_GET_CLASS,
            "SES": usage.ses_messages * prices.SES_MESSAGE
            + usage.ses_bytes / 1024**3 * prices.SES_GB,
            "SQS": sqs_requests * prices.SQS_REQUEST,
            "EventBridge": usage.events * prices.EVENTBRIDGE_EVENT,
            "Secrets Manager + KMS": secrets * prices.SECRETS_MANAGER_CALL
            + kms * prices.KMS_REQUEST,
        }
    )


@dataclass
class Result:
    run: Run
    warm: dict[str, Bill]
    cold: dict[str, Bill]
    idle: dict[str, float]
    init: dict[str, float]
    sent: dict[str, int]
    stored_bytes: int
    wall_seconds: float


def measure() -> Result:
    init = cold_imports()
    started = time.perf_counter()
    os.environ.pop("OUTREACH_OUTBOX_DIR", None)  # SES (moto's), not the local outbox
    os.environ.update(
        {"LINK_SIGNING_KEY": "bench", "SENDER_EMAIL": "jobs@acme.example", "SENDER_NAME": "Acme"}
    )
    meter = Meter()
    with moto_account("benchcost") as env, meter.active():
        with meter.pause():
            boto3.client("ses").verify_domain_identity(Domain="acme.example")
            org = seed(JobRepository(), START, api_key="bench")
            _reset()
        clock = Clock(START)
        run = Run(env, meter, clock)
        _set_clock(clock)
        people = _apply(run, org.open_job_ids[2])  # the intern job: no required questions
        run.phase = "parse and index"
        run.settle()
        sent = {
            "outreach step": _outreach(run, people),
            "interviews and reminders": _interviews(run, people),
            "weekly report": _report(run),
        }
        idle = _idle(run)
        _reset()
    wall = time.perf_counter() - started
    warm = {p: bill(run, p, meter.total(p), None) for p in PHASES}
    cold = {p: bill(run, p, meter.total(p), init) for p in PHASES}
    stored = sum(meter.total(p).s3_bytes_stored for p in PHASES)
    return Result(run, warm, cold, idle, init, sent, stored, wall)


def _scale(phase: str) -> float:
    """From the applications measured to 1,000, for the phases done per application."""
    return 1.0 if phase in ONCE else 1000 / APPLICATIONS


def _dollars(value: float) -> str:
    return f"${value:.4f}" if value < 1 else f"${value:,.2f}"


def monthly_runs(function: wiring.Function) -> float:
    """How often a month a function's ``rate(...)`` schedule fires."""
    (expression,) = function.schedules
    every, unit = expression.removeprefix("rate(").removesuffix(")").split()
    minutes = {"minute": 1, "hour": 60, "day": 1440}[unit.removesuffix("s")]
    return MONTH_MINUTES / (int(every) * minutes)


def _idle_month(result: Result) -> float:
    """The schedules' monthly cost with nothing to do: each sweep's invocation, its
    schedule and the reads and writes it makes (measured on the idle sweeps)."""
    total = 0.0
    for name, seconds in result.idle.items():
        function = FUNCTION[name]
        usage = result.run.meter.total(IDLE, name)
        sweeps = len(result.run.invocations[(IDLE, name)].durations)
        per_sweep = compute_dollars(math.ceil(seconds * 1000), function.memory_mb)
        per_sweep += prices.LAMBDA_REQUEST + prices.SCHEDULER_INVOCATION
        per_sweep += (
            usage.read_units * prices.DYNAMODB_READ_UNIT
            + usage.write_units * prices.DYNAMODB_WRITE_UNIT
            + usage.s3_put_class * prices.S3_PUT_CLASS
            + usage.s3_get_class * prices.S3_GET_CLASS
            + usage.sqs_requests * prices.SQS_REQUEST
        ) / sweeps
        total += monthly_runs(function) * per_sweep
    return total


def run() -> list[tuple[str, str, str, str, str]]:
    result = measure()
    rows = []
    for phase in PHASES:
        scale = _scale(phase)
        warm, cold = result.warm[phase], result.cold[phase]
        top = sorted(warm.lines.items(), key=lambda kv: -kv[1])[:3]
        usage = result.run.meter.total(phase)
        invocations = sum(
            len(i.durations) for (p, _), i in result.run.invocations.items() if p == phase
        )
        rows.append(
            (
                f"cost: {phase} (per 1,000 applications)",
                _dollars(warm.total * scale),
                _dollars(cold.total * scale) + " cold",
                f"{cold.total / warm.total:.2f}" if warm.total else "-",
                f"{invocations} invocations, {usage.write_units:.0f} WRU, "
                f"{usage.read_units:.0f} RRU, {usage.ses_messages} e-mails; "
                + ", ".join(f"{k} {_dollars(v * scale)}" for k, v in top),
            )
        )
    warm_total = sum(b.total * _scale(p) for p, b in result.warm.items())
    cold_total = sum(b.total * _scale(p) for p, b in result.cold.items())
    by_line: dict[str, float] = defaultdict(float)  # dollars by service, warm
    for phase, phase_bill in result.warm.items():
        for line, value in phase_bill.lines.items():
            by_line[line] += value * _scale(phase)
    scale = 1000 / APPLICATIONS
    storage = result.stored_bytes * scale / 1024**3 * prices.S3_GB_MONTH
    rows.append(
        (
            "cost: 1,000 applications end to end",
            _dollars(warm_total),
            _dollars(cold_total) + " cold",
            f"{cold_total / warm_total:.2f}",
            "; ".join(
                f"{k} {_dollars(v)}" for k, v in sorted(by_line.items(), key=lambda kv: -kv[1])
            )
            + f"; S3 storage {_dollars(storage)}/month for "
            f"{result.stored_bytes * scale / 1024**2:.0f} MB",
        )
    )
    rows.append(
        (
            "cost: schedules idling for a month (reminders, reports, retention)",
            _dollars(_idle_month(result)),
            "-",
            "-",
            ", ".join(f"{n} {s * 1000:.0f} ms/sweep" for n, s in result.idle.items()),
        )
    )
    rows.append(
        (
            f"cost benchmark: {APPLICATIONS:,} applications run on moto, scaled to 1,000",
            f"{result.wall_seconds:.0f} s",
            "-",
            "-",
            f"{INTERVIEWED} interviewed; e-mails sent: "
            + ", ".join(f"{k} {v}" for k, v in result.sent.items()),
        )
    )
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
