"""Domain errors as HTTP answers, the same way in every API function.

``{"error": <code>, "message": ..., "errors": [{"field", "rule", "message"}]}``
with the status each kind of error means.
"""

from __future__ import annotations

from typing import Any

from recruiting.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    JobClosed,
    MalformedRequest,
    NotFound,
    Unauthenticated,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)

STATUS: dict[type[DomainError], int] = {
    ValidationFailed: 422,
    MalformedRequest: 400,
    UnsupportedMediaType: 415,
    NotFound: 404,
    JobClosed: 410,
    Unauthorized: 401,
    Unauthenticated: 401,
    Forbidden: 403,
    Conflict: 409,
}


def status_of(error: DomainError) -> int:
    return next((STATUS[k] for k in type(error).__mro__ if k in STATUS), 400)


def error_body(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error.code, "message": error.message}
    if isinstance(error, ValidationFailed) and error.errors:
        body["errors"] = [e.as_dict() for e in error.errors]
    return body


def from_request_validation(items: list[dict[str, Any]]) -> ValidationFailed:
    """Powertools' parameter validation errors, named as the client sent them."""
    errors = []
    for item in items:
        location = [str(p) for p in item.get("loc", ())]
        # Powertools reports ("path"|"query"|"body", name, ...).
        field = ".".join(location[1:]) or ".".join(location) or "request"
        errors.append(FieldError(field, str(item.get("type", "invalid")), str(item.get("msg", ""))))
    return ValidationFailed(errors)
