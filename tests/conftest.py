"""Fixtures: moto-backed AWS, the demo organisation, and the intake API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from recruiting import wiring
from recruiting.clock import now
from recruiting.config import Settings
from recruiting.demo import SeededOrganisation, seed
from recruiting.storage.items import bind_tables
from recruiting.storage.jobs import JobRepository
from recruiting_local.resources import provision
from support import Api, RecruiterApi

API_KEY = "demo-board-api-key"


@contextmanager
def aws_environment(prefix: str = "test") -> Iterator[dict[str, str]]:
    """Fresh moto AWS with every declared resource; the functions' environment set."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "Recruiting",
            "POWERTOOLS_SERVICE_NAME": "test",
            "LINK_SIGNING_KEY": "test-link-signing-key",
            "REPLY_DOMAIN": "replies.example.com",
        }.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        env = provision(prefix=prefix)
        for name, value in env.items():
            patch.setenv(name, value)
        bind_tables(Settings.from_env(env).table_names, region="us-east-1")
        yield env


@pytest.fixture
def aws() -> Iterator[dict[str, str]]:
    with aws_environment() as env:
        yield env


@pytest.fixture
def demo(aws: dict[str, str]) -> SeededOrganisation:
    return seed(JobRepository(), now(), api_key=API_KEY)


@pytest.fixture
def api(aws: dict[str, str]) -> Iterator[Api]:
    from intake import dependencies, handler

    dependencies.use(None)
    yield Api(handler.lambda_handler)
    dependencies.use(None)


@pytest.fixture
def ats(aws: dict[str, str]) -> Iterator[Any]:
    """The recruiter API; ``ats.as_role("recruiter")`` calls it with that role's claims."""
    from recruiter import dependencies, handler

    dependencies.use(None)
    yield RecruiterApi(handler.lambda_handler)
    dependencies.use(None)


@dataclass
class Store:
    """What a person could find in AWS after a request."""

    env: dict[str, str]

    def items(self, table_key: str) -> list[dict[str, Any]]:
        table = boto3.resource("dynamodb").Table(self.env[wiring.table(table_key).env])
        # Tests may read a whole (tiny) table to prove nothing else was written.
        return list(table.scan()["Items"])

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [i for i in self.items("candidates") if i.get("type") == kind]

    def objects(self, prefix: str = "") -> dict[str, bytes]:
        s3 = boto3.client("s3")
        bucket = self.env[wiring.RESUMES.env]
        listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        return {
            o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing
        }


@pytest.fixture
def store(aws: dict[str, str]) -> Store:
    return Store(aws)


@pytest.fixture
def bus_events(aws: dict[str, str]) -> Any:
    """Everything published on the event bus, read back through an SQS target."""
    events = boto3.client("events")
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="bus-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    bus = aws[wiring.EVENTS.env]
    events.put_rule(Name="tap", EventBusName=bus, EventPattern='{"source": ["recruiting"]}')
    events.put_targets(Rule="tap", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])

    def read() -> list[dict[str, Any]]:
        import json

        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    return read
