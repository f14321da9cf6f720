"""Warm per-application time through the intake handler on moto, and the AWS
calls (and write capacity) one application costs."""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import botocore.client

from benchmarks.environment import moto_account
from benchmarks.metering import item_size
from recruiting import wiring
from recruiting.clock import now
from recruiting.demo import seed
from recruiting.storage.jobs import JobRepository
from recruiting_local.apigw import HttpRequest, match, to_event
from recruiting_local.context import LocalContext

APPLICATIONS = 60
PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"


@contextmanager
def counting_calls() -> Iterator[tuple[Counter[str], list[float]]]:
    """Counts every AWS API call by Service.Operation, and transaction WCUs."""
    calls: Counter[str] = Counter()
    capacity: list[float] = []
    client_class: Any = botocore.client.BaseClient
    original = client_class._make_api_call

    def counted(self: Any, operation: str, params: dict[str, Any]) -> Any:
        calls[f"{self.meta.service_model.service_name}.{operation}"] += 1
        if operation == "TransactWriteItems":
            # moto reports no consumed capacity: compute it from the item sizes
            # (1 WCU per started KB, doubled for transactional writes).
            for entry in params["TransactItems"]:
                item = entry.get("Put", {}).get("Item")
                if item is not None:
                    capacity.append(2 * -(-item_size(item) // 1024))
                elif "Update" in entry:
                    capacity.append(2)
        return original(self, operation, params)

    client_class._make_api_call = counted
    try:
        yield calls, capacity
    finally:
        client_class._make_api_call = original


class _RawCalls:
    """The irreducible AWS work of one application, done directly with boto3."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.dynamodb = boto3.client("dynamodb")
        self.s3 = boto3.client("s3")
        self.events = boto3.client("events")

    def __call__(self, n: int) -> None:
        env = self.env
        table = env[wiring.CANDIDATES.env]
        self.dynamodb.get_item(
            TableName=env[wiring.JOBS.env], Key={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}}
        )
        self.dynamodb.get_item(
            TableName=table, Key={"pk": {"S": f"EMAIL#raw{n}"}, "sk": {"S": "IDENTITY"}}
        )
        items = [
            {"pk": {"S": f"RAW#{n}"}, "sk": {"S": f"I{i}"}, "data": {"S": "x" * 400}}
            for i in range(5)
        ]
        self.dynamodb.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": item}} for item in items]
        )
        self.s3.put_object(Bucket=env[wiring.RESUMES.env], Key=f"raw/{n}", Body=PDF)
        self.events.put_events(
            Entries=[
                {
                    "Source": "bench",
                    "DetailType": "raw",
                    "Detail": "{}",
                    "EventBusName": env[wiring.EVENTS.env],
                }
            ]
        )


def _event(job_id: int, n: int) -> dict[str, Any]:
    import base64

    body = json.dumps(
        {
            "first_name": "Bench",
            "last_name": f"Person{n}",
            "email": f"bench{n}@example.com",
            "phone": "+1 757 864 1000",
            "resume": {"filename": "cv.pdf", "content_base64": base64.b64encode(PDF).decode()},
        }
    ).encode()
    target = f"/jobs/{job_id}/applications"
    resource, params, _ = match("POST", target)
    assert resource is not None
    request = HttpRequest("POST", target, [("Content-Type", "application/json")], body)
    return to_event(request, resource, params)


def run() -> list[tuple[str, str, str, str, str]]:
    with moto_account("bench") as env:
        org = seed(JobRepository(), now(), api_key="bench")
        job_id = org.open_job_ids[2]  # the intern job: no required questions
        from intake import dependencies, handler

        dependencies.use(None)
        events = [_event(job_id, n) for n in range(APPLICATIONS + 1)]
        assert handler.lambda_handler(events[0], LocalContext("intake"))["statusCode"] == 201

        timings, baseline = [], []
        raw_calls = _RawCalls(env)
        raw_calls(0)
        for n, event in enumerate(events[1:], start=1):
            start = time.perf_counter()
            raw_calls(n)
            baseline.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = handler.lambda_handler(event, LocalContext("intake"))
            timings.append(time.perf_counter() - start)
            assert result["statusCode"] == 201, result["body"]

        with counting_calls() as (calls, capacity):
            result = handler.lambda_handler(_event(job_id, 10_000), LocalContext("intake"))
            assert result["statusCode"] == 201
    warm = statistics.median(timings)
    put = statistics.median(baseline)
    transactions = calls["dynamodb.TransactWriteItems"]
    puts = calls["s3.PutObject"]
    events_calls = calls["events.PutEvents"]
    breakdown = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
    ok = transactions == 1 and puts <= 1 and events_calls == 1
    return [
        (
            f"warm application via handler on moto (200 KB PDF, median of {APPLICATIONS})",
            f"{warm * 1000:.1f} ms",
            f"{put * 1000:.1f} ms",
            f"{warm / put:.1f}",
            "baseline: the same 5 AWS calls made directly with boto3",
        ),
        (
            "AWS calls per application",
            str(sum(calls.values())),
            "-",
            "-",
            f"1 TransactWriteItems, <=1 PutObject, 1 PutEvents: {'OK' if ok else 'OVER'}"
            f" ({breakdown})",
        ),
        (
            "write capacity per application (TransactWriteItems)",
            f"{sum(capacity):.0f} WCU",
            "-",
            "-",
            "from item sizes: 2 WCU per started KB per item (transactional)",
        ),
    ]
