"""The caller (from the authorizer's claims) and request bodies as models."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
from pydantic import BaseModel, ValidationError

from recruiting.auth import Principal, principal_from_claims
from recruiting.errors import FieldError, MalformedRequest, ValidationFailed
from recruiting.idempotency import run_once

Model = TypeVar("Model", bound=BaseModel)


def principal(event: BaseProxyEvent) -> Principal:
    context: dict[str, Any] = event.raw_event.get("requestContext") or {}
    authorizer = context.get("authorizer") or {}
    return principal_from_claims(authorizer.get("claims"))


def body(event: BaseProxyEvent, model: type[Model]) -> Model:
    """The JSON body as ``model``, or a 400/422 naming what is wrong."""
    try:
        data = json.loads(event.body or "{}")
    except ValueError as exc:
        raise MalformedRequest(f"body is not valid JSON: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(
                ".".join(str(p) for p in e["loc"]) or "body",
                "unknown_field" if e["type"] == "extra_forbidden" else e["type"],
                e["msg"],
            )
            for e in exc.errors(include_url=False)
        ]
        raise ValidationFailed(errors) from exc


def created_once(
    event: BaseProxyEvent, scope: str, action: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Creations honour an Idempotency-Key header: a retry returns the first result."""
    from recruiter import dependencies

    key = event.headers.get("Idempotency-Key") or event.headers.get("idempotency-key")
    body = (event.body or "").encode("utf-8")
    result, _ = run_once(dependencies.get().idempotency, key, scope, body, action)
    return result
