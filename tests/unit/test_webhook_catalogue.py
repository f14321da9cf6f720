"""The webhooks' event types are the event catalogue (docs/events.md), and the sample
events of the webhook routes and queues are in AWS's shape."""

from __future__ import annotations

import json
import re

import pytest

from recruiting import wiring
from support import EVENTS, ROOT, SHARED

CATALOGUE = ROOT / "docs" / "events.md"
SHARED_PACKAGE = ROOT / "layers" / "shared" / "python" / "recruiting"
API_SAMPLE = json.loads((SHARED / "aws-events/apiGatewayProxyEvent.json").read_text())
SQS_SAMPLE = json.loads((SHARED / "aws-events/sqsEvent.json").read_text())["Records"][0]
SAMPLES = sorted((EVENTS / "webhooks").glob("*.json"))


def _catalogue() -> set[str]:
    """Every detail-type in the first column of the catalogue's table."""
    names: set[str] = set()
    for line in CATALOGUE.read_text().splitlines():
        if line.startswith("| `"):
            first_column = line.split("|")[1]
            names.update(re.findall(r"`([a-z_]+\.[a-z_]+)`", first_column))
    return names


def test_webhooks_subscribe_to_exactly_the_event_catalogue():
    assert set(wiring.DOMAIN_EVENTS) == _catalogue()
    assert len(wiring.DOMAIN_EVENTS) == len(set(wiring.DOMAIN_EVENTS))
    # And the webhooks queue's rule takes all of them from the events bus
    assert wiring.WEBHOOK_EVENTS_QUEUE.subscribes_to == (("events", wiring.DOMAIN_EVENTS),)


def test_every_event_the_code_publishes_by_name_is_in_the_catalogue():
    published = set()
    for path in SHARED_PACKAGE.rglob("*.py"):
        published.update(
            re.findall(r"\.(?:announce|publish)\(\s*\"([a-z_]+\.[a-z_]+)\"", path.read_text())
        )
    assert published  # the pattern still finds the call sites
    assert published <= set(wiring.DOMAIN_EVENTS)


def _routes() -> set[tuple[str, str]]:
    return {
        (r.method, r.path) for r in wiring.RECRUITER.routes if r.path.startswith("/ats/webhooks")
    }


def test_there_is_a_sample_event_for_every_webhook_route():
    samples = [json.loads(p.read_text()) for p in SAMPLES]
    routes = {(s["httpMethod"], s["resource"]) for s in samples if "httpMethod" in s}
    assert routes == _routes()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_each_webhook_sample_event_has_the_aws_shape(path):
    event = json.loads(path.read_text())
    if "Records" in event:
        for record in event["Records"]:
            assert set(SQS_SAMPLE) <= set(record)
            assert record["eventSourceARN"].startswith("arn:aws:sqs:")
            json.loads(record["body"])
        return
    assert set(API_SAMPLE) <= set(event)
    assert set(API_SAMPLE["requestContext"]) - {"authorizer"} <= set(event["requestContext"])
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["cognito:groups"] == "admin"
    assert claims["email"]
    for name, value in (event["pathParameters"] or {}).items():
        assert "{" + name + "}" in event["resource"]
        assert value in event["path"]
