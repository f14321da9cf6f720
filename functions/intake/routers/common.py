"""Reading raw request bodies and running retried calls once."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from intake import dependencies
from recruiting.idempotency import run_once

IDEMPOTENCY_HEADER = "Idempotency-Key"


def raw_body(event: BaseProxyEvent) -> bytes:
    """The body's bytes; API Gateway base64-encodes binary media types."""
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")


def content_type(event: BaseProxyEvent) -> str | None:
    value: str | None = event.headers.get("content-type") or event.headers.get("Content-Type")
    return value


def once(
    event: BaseProxyEvent,
    scope: str,
    body: bytes,
    action: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """Run ``action``, or replay its first result for a repeated Idempotency-Key."""
    key = event.headers.get(IDEMPOTENCY_HEADER) or event.headers.get(IDEMPOTENCY_HEADER.lower())
    return run_once(dependencies.get().idempotency, key, scope, body, action)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(body, separators=(",", ":")),
        headers=headers or {},
    )
