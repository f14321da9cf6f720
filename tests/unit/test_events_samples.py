"""The sample events in events/ are in AWS's exact shape and drive the handler."""

from __future__ import annotations

import json

import pytest

from recruiting_local.apigw import HttpRequest, match, to_event
from support import EVENTS, SHARED

AWS_SAMPLE = json.loads((SHARED / "aws-events/apiGatewayProxyEvent.json").read_text())


def test_local_events_carry_every_key_api_gateway_sends():
    resource, params, _ = match("GET", "/jobs/4000001")
    assert resource is not None
    event = to_event(HttpRequest("GET", "/jobs/4000001?x=1"), resource, params)
    assert set(AWS_SAMPLE) <= set(event)
    assert set(AWS_SAMPLE["requestContext"]) - {"authorizer"} <= set(event["requestContext"])
    assert event["pathParameters"] == {"job_id": "4000001"}
    assert event["resource"] == "/jobs/{job_id}"


@pytest.mark.parametrize("path", sorted(EVENTS.glob("intake/*.json")), ids=lambda p: p.stem)
def test_each_sample_event_has_the_aws_shape(path):
    event = json.loads(path.read_text())
    assert set(AWS_SAMPLE) <= set(event)
