"""Listing one stage of a job through the recruiter handler (first page), at
1,000 and 10,000 applications, with the DynamoDB reads it takes. The first page
must not grow with the stage: it reads one page of the by_job index."""

from __future__ import annotations

import statistics
import time
from typing import Any

import boto3

from benchmarks.environment import moto_account
from benchmarks.intake import counting_calls
from recruiting import wiring
from recruiting.clock import iso, now
from recruiting.demo import seed
from recruiting.storage.jobs import JobRepository
from recruiting_local.apigw import HttpRequest, match, to_event
from recruiting_local.context import LocalContext

SIZES = (1_000, 10_000)
PAGE = 50
RUNS = 15


def _applications(env: dict[str, str], job_id: int, count: int, offset: int) -> None:
    table = boto3.resource("dynamodb").Table(env[wiring.CANDIDATES.env])
    stamp = now()
    with table.batch_writer() as batch:
        for n in range(offset, offset + count):
            app_id = f"{n:032x}"
            at = iso(stamp.replace(microsecond=n % 1_000_000))
            batch.put_item(
                Item={
                    "pk": f"CAND#{n:032x}",
                    "sk": f"APP#{app_id}",
                    "type": "application",
                    "application_id": app_id,
                    "candidate_id": f"{n:032x}",
                    "job_id": job_id,
                    "stage": "applied",
                    "status": "active",
                    "applied_at": at,
                    "last_activity_at": at,
                    "channel": "native",
                    "contact": {
                        "first_name": "Bench",
                        "last_name": str(n),
                        "email": f"b{n}@x.example",
                    },
                    "answers": {"101": "x" * 200},
                    "receipt": {},
                    "version": 1,
                    "gsi1pk": f"JOB#{job_id}",
                    "gsi1sk": f"STAGE#applied#{at}#{app_id}",
                }
            )


def _list_event(job_id: int) -> dict[str, Any]:
    target = f"/ats/jobs/{job_id}/applications"
    resource, params, _ = match("GET", target)
    assert resource is not None
    event = to_event(HttpRequest("GET", f"{target}?stage=applied&limit={PAGE}"), resource, params)
    event["requestContext"]["authorizer"] = {
        "claims": {"sub": "bench-recruiter", "cognito:groups": "recruiter"}
    }
    return event


def run() -> list[tuple[str, str, str, str, str]]:
    rows = []
    with moto_account("benchats") as env:
        org = seed(JobRepository(), now(), api_key="bench")
        job_id = org.open_job_ids[0]
        from recruiter import dependencies, handler

        dependencies.use(None)
        event = _list_event(job_id)
        dynamodb = boto3.client("dynamodb")
        loaded = 0
        medians: dict[int, float] = {}
        baselines: dict[int, float] = {}
        for size in SIZES:
            _applications(env, job_id, size - loaded, loaded)
            loaded = size
            handler.lambda_handler(event, LocalContext("recruiter"))  # warm
            timings, raw = [], []
            for _ in range(RUNS):
                start = time.perf_counter()
                dynamodb.query(
                    TableName=env[wiring.CANDIDATES.env],
                    IndexName="by_job",
                    KeyConditionExpression="gsi1pk = :j AND begins_with(gsi1sk, :s)",
                    ExpressionAttributeValues={
                        ":j": {"S": f"JOB#{job_id}"},
                        ":s": {"S": "STAGE#applied#"},
                    },
                    ScanIndexForward=False,
                    Limit=PAGE,
                )
                raw.append(time.perf_counter() - start)
                start = time.perf_counter()
                result = handler.lambda_handler(event, LocalContext("recruiter"))
                timings.append(time.perf_counter() - start)
                assert result["statusCode"] == 200, result["body"]
            with counting_calls() as (calls, _):
                handler.lambda_handler(event, LocalContext("recruiter"))
            medians[size] = statistics.median(timings)
            baseline = statistics.median(raw)
            baselines[size] = baseline
            reads = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
            rows.append(
                (
                    f"first page ({PAGE}) of a stage with {size:,} applications",
                    f"{medians[size] * 1000:.1f} ms",
                    f"{baseline * 1000:.1f} ms",
                    f"{medians[size] / baseline:.1f}",
                    f"baseline: the same index Query direct; reads: {reads}",
                )
            )
    growth = medians[SIZES[-1]] / medians[SIZES[0]]
    raw_growth = baselines[SIZES[-1]] / baselines[SIZES[0]]
    rows.append(
        (
            f"growth of the first page from {SIZES[0]:,} to {SIZES[-1]:,} applications",
            f"{growth:.2f}x",
            f"{raw_growth:.2f}x",
            f"{growth / raw_growth:.2f}",
            "the same AWS calls whatever the size; moto's index Query itself grows "
            "(it scans the table), so compare with the baseline's growth",
        )
    )
    return rows
