"""Candidate search through the recruiter handler over 5,000 and 50,000 people,
with the DynamoDB calls it makes, beside the same keyword Queries made direct."""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

import boto3

from benchmarks.environment import moto_account
from benchmarks.intake import counting_calls
from recruiting import wiring
from recruiting_local.apigw import HttpRequest, match, to_event
from recruiting_local.context import LocalContext

SIZES = (5_000, 50_000)
RUNS = 3
# Results are ordered by candidate id, so the page shown comes from the lowest
# ids: only they need documents (postings are what a search reads at scale).
DOCUMENTS = 2_000
# (keyword, share of people who have it): common skills are common.
VOCABULARY = [
    ("python", 0.30),
    ("aws", 0.20),
    ("java", 0.25),
    ("sql", 0.35),
    ("react", 0.15),
    ("kubernetes", 0.08),
    ("rust", 0.03),
    ("cobol", 0.01),
    ("excel", 0.40),
    ("sales", 0.20),
]
# Two specific skills (8% and 3% of people): moto answers a Query item by item,
# so common words would measure moto rather than this code.
QUERY = "q=kubernetes+rust&min_years=3"
TERMS = ("kubernetes", "rust")


def _people(env: dict[str, str], start: int, count: int, rng: random.Random) -> None:
    table = boto3.resource("dynamodb").Table(env[wiring.SEARCH.env])
    with table.batch_writer() as batch:
        for n in range(start, start + count):
            cid = f"{n:032x}"
            words = [w for w, share in VOCABULARY if rng.random() < share]
            facets = {
                "location": rng.choice(["berlin", "london", "boston, ma", "remote"]),
                "years_experience": rng.randint(0, 25),
                "education_rank": rng.randint(0, 5),
                "tags": [],
                "pools": [],
                "stages": ["applied"],
            }
            for word in words:
                batch.put_item(
                    Item={
                        "pk": f"TERM#{word}",
                        "sk": f"CAND#{cid}",
                        "type": "term",
                        "candidate_id": cid,
                        **facets,
                    }
                )
            if n >= DOCUMENTS:
                continue
            batch.put_item(
                Item={
                    "pk": f"DOC#{cid}",
                    "sk": "DOC",
                    "type": "doc",
                    "candidate_id": cid,
                    "name": f"Person {n}",
                    "education_level": "bachelor",
                    "terms": words,
                    "location_display": facets["location"],
                    **facets,
                }
            )


def _event() -> dict[str, Any]:
    resource, params, _ = match("GET", "/ats/search")
    assert resource is not None
    event = to_event(HttpRequest("GET", f"/ats/search?{QUERY}"), resource, params)
    event["requestContext"]["authorizer"] = {
        "claims": {"sub": "bench", "cognito:groups": "recruiter"}
    }
    return event


def run() -> list[tuple[str, str, str, str, str]]:
    rng = random.Random(7)
    rows = []
    medians: dict[int, float] = {}
    baselines: dict[int, float] = {}
    with moto_account("benchsearch") as env:
        from recruiter import dependencies, handler

        dependencies.use(None)
        event = _event()
        dynamodb = boto3.client("dynamodb")
        loaded = 0
        for size in SIZES:
            _people(env, loaded, size - loaded, rng)
            loaded = size
            result = handler.lambda_handler(event, LocalContext("recruiter"))
            assert result["statusCode"] == 200, result["body"]
            timings, raw = [], []
            for _ in range(RUNS):
                start = time.perf_counter()
                for term in TERMS:
                    pages = dynamodb.get_paginator("query").paginate(
                        TableName=env[wiring.SEARCH.env],
                        KeyConditionExpression="pk = :t",
                        FilterExpression="years_experience >= :y",
                        ExpressionAttributeValues={":t": {"S": f"TERM#{term}"}, ":y": {"N": "3"}},
                    )
                    for _page in pages:
                        pass
                raw.append(time.perf_counter() - start)
                start = time.perf_counter()
                handler.lambda_handler(event, LocalContext("recruiter"))
                timings.append(time.perf_counter() - start)
            with counting_calls() as (calls, _):
                handler.lambda_handler(event, LocalContext("recruiter"))
            postings = sum(
                dynamodb.query(
                    TableName=env[wiring.SEARCH.env],
                    KeyConditionExpression="pk = :t",
                    ExpressionAttributeValues={":t": {"S": f"TERM#{t}"}},
                    Select="COUNT",
                )["Count"]
                for t in TERMS
            )
            medians[size] = statistics.median(timings)
            baselines[size] = statistics.median(raw)
            reads = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
            rows.append(
                (
                    f"search 'kubernetes rust', 3+ years, over {size:,} people (first 20)",
                    f"{medians[size] * 1000:.0f} ms",
                    f"{baselines[size] * 1000:.0f} ms",
                    f"{medians[size] / baselines[size]:.1f}",
                    f"baseline: the two keyword Queries direct; calls: {reads}; "
                    f"postings read {postings:,} (~{postings * 190 / 8192:.0f} RCU)",
                )
            )
    growth = medians[SIZES[-1]] / medians[SIZES[0]]
    raw_growth = baselines[SIZES[-1]] / baselines[SIZES[0]]
    rows.append(
        (
            f"growth of search from {SIZES[0]:,} to {SIZES[-1]:,} people",
            f"{growth:.1f}x",
            f"{raw_growth:.1f}x",
            f"{growth / raw_growth:.2f}",
            "grows with the postings of the keywords (8% and 3% of people here), "
            "not with the base; past ~100k people move to OpenSearch (docs/search.md)",
        )
    )
    return rows
