"""Domain errors as HTTP answers, the same way in every API function.

``{"error": <code>, "message": ..., "errors": [{"field", "rule", "message"}]}``
with the status each kind of error means.
"""

from __future__ import annotations

import json
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


# The refusal bodies above as OpenAPI schemas (``document_errors``).
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "FieldError",
    "required": ["field", "rule", "message"],
    "properties": {
        "field": {"type": "string", "description": "The field as the client sent it"},
        "rule": {"type": "string", "description": "The rule it broke, e.g. missing, too_long"},
        "message": {"type": "string"},
    },
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "required": ["error", "message"],
    "properties": {
        "error": {
            "type": "string",
            "description": "What kind of refusal: " + ", ".join(sorted(e.code for e in STATUS)),
        },
        "message": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    },
}
# Powertools documents its own 422 body, which these APIs never send.
_POWERTOOLS_ERRORS = ("HTTPValidationError", "ValidationError")


def error_response(schema: str, description: str) -> dict[str, Any]:
    """An OpenAPI response object with a JSON body of ``#/components/schemas/<schema>``."""
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Declare the refusals every operation can answer with (any 4xx, the body
    ``error_body`` builds) in place of Powertools' default 422. Idempotent:
    responses an operation already declares for 4XX stay."""
    refused = error_response("Error", "Refused: the body says why and names each broken rule")
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "HTTPValidationError" in str(responses.get("422")):
                del responses["422"]
            responses.setdefault("4XX", refused)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("FieldError", FIELD_ERROR_SCHEMA)
    schemas.setdefault("Error", ERROR_SCHEMA)
    for name in _POWERTOOLS_ERRORS:  # once nothing refers to them
        if f"#/components/schemas/{name}" not in json.dumps(document):
            schemas.pop(name, None)
    return document
