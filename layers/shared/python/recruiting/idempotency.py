"""Idempotency for client-retried calls (the ``Idempotency-Key`` header).

Built on Powertools' idempotency utility with its DynamoDB persistence. The
record is keyed by the client's key and the call's scope (route and job), and
remembers a hash of the request body: the same key with a different body is
refused rather than answered with someone else's result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

Action = Callable[[], dict[str, Any]]


class IdempotentCalls:
    """Runs an action at most once per (key, scope); replays its stored result."""

    def __init__(self, table_name: str, ttl_seconds: int) -> None:
        self.config = IdempotencyConfig(
            event_key_jmespath="[key, scope]",
            payload_validation_jmespath="payload_sha256",
            expires_after_seconds=ttl_seconds,
            raise_on_no_idempotency_key=True,
        )
        persistence = DynamoDBPersistenceLayer(table_name=table_name)

        @idempotent_function(
            data_keyword_argument="request", persistence_store=persistence, config=self.config
        )
        def run(request: dict[str, Any], action: Action) -> dict[str, Any]:
            return action()

        self._run = run

    def register_context(self, context: Any) -> None:
        """Lets an in-progress record expire with the Lambda invocation."""
        self.config.register_lambda_context(context)

    def call(self, key: str, scope: str, payload_sha256: str, action: Action) -> dict[str, Any]:
        request = {"key": key, "scope": scope, "payload_sha256": payload_sha256}
        result: dict[str, Any] = self._run(request=request, action=action)
        return result


def run_once(
    calls: IdempotentCalls,
    key: str | None,
    scope: str,
    body: bytes,
    action: Action,
) -> tuple[dict[str, Any], bool]:
    """Run ``action``, or replay its first result for a repeated key.

    Without a key the action simply runs. Returns the result and whether it
    was a replay.
    """
    if not key:
        return action(), False
    ran = False

    def tracked() -> dict[str, Any]:
        nonlocal ran
        ran = True
        return action()

    result = calls.call(key, scope, hashlib.sha256(body).hexdigest(), tracked)
    return result, not ran
