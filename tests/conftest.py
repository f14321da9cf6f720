"""Fixtures: moto-backed AWS, the demo organisation, and the intake API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import boto3
import botocore.loaders
import botocore.session
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


def _share_botocore_data() -> None:
    """One botocore data loader per data path for the whole run.

    Every botocore session builds its own loader, which reads and decodes the
    endpoint rules and each service model from disk again. The tests build many
    sessions (moto resets boto3's default one per test; PynamoDB and the
    idempotency layer make their own), so decoding that JSON was the larger part
    of an integration test's time. A loader only reads botocore's packaged data;
    sharing it is what one long-lived session (a warm Lambda) does anyway.
    """
    loaders: dict[Any, botocore.loaders.Loader] = {}

    def register(session: botocore.session.Session) -> None:
        def shared() -> botocore.loaders.Loader:
            path = session.get_config_variable("data_path")
            if path not in loaders:
                loaders[path] = botocore.loaders.create_loader(path)
            return loaders[path]

        session._components.lazy_register_component("data_loader", shared)

    botocore.session.Session._register_data_loader = register  # type: ignore[method-assign]


_share_botocore_data()


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

    @cached_property
    def _dynamodb(self) -> Any:
        # One resource per Store: building a boto3 resource (and its client) costs
        # more than scanning a test's tiny table.
        return boto3.resource("dynamodb")

    def items(self, table_key: str) -> list[dict[str, Any]]:
        table = self._dynamodb.Table(self.env[wiring.table(table_key).env])
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
