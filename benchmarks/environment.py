"""The in-process moto account every benchmark runs in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from moto import mock_aws

from recruiting.config import Settings
from recruiting.storage.items import bind_tables
from recruiting_local.resources import provision


@contextmanager
def moto_account(prefix: str) -> Iterator[dict[str, str]]:
    """Every declared resource on moto, the functions' environment set, tables bound."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "Recruiting",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    with mock_aws():
        env = provision(prefix=prefix)
        os.environ.update(env)
        bind_tables(Settings.from_env(env).table_names, region="us-east-1")
        yield env
