"""Entry point of the intake function (API Gateway REST proxy events).

Thin on purpose: Powertools wiring, the routers, and the one place where
domain errors become HTTP answers. The Greenhouse-compatible routes answer
errors in Greenhouse's shape; every other route answers
``{"error", "message", "errors": [{"field", "rule", "message"}]}``.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from intake import dependencies
from intake.observability import logger, metrics
from intake.routers import applications, feeds, greenhouse, jobs, surveys, unsubscribe
from intake.routers.common import IDEMPOTENCY_HEADER, json_response
from recruiting.errors import (
    Conflict,
    DomainError,
    FieldError,
    JobClosed,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from recruiting.http import (
    document_errors,
    error_body,
    error_response,
    from_request_validation,
    status_of,
)
from recruiting.intake.greenhouse import APPLICATION_SCHEMA as GREENHOUSE_APPLICATION
from recruiting.models.applications import ApplicationForm, UploadRequest

# No X-Ray SDK here: Lambda's active tracing records each invocation, and the
# SDK would cost ~160 ms of cold start for subsegments this function does not need.

app = APIGatewayRestResolver(enable_validation=True)


app.include_router(jobs.router)
app.include_router(applications.router)
app.include_router(greenhouse.router)
app.include_router(unsubscribe.router)
app.include_router(surveys.router)
app.include_router(feeds.router)


def _is_greenhouse() -> bool:
    return app.current_event.path.startswith("/v1/boards/")


def _greenhouse_error(error: DomainError, status: int, errors: list[FieldError]) -> Response[str]:
    if isinstance(error, Unauthorized):
        return json_response(
            401, {"error": error.message}, {"WWW-Authenticate": 'Basic realm="job board"'}
        )
    if isinstance(error, NotFound):
        return json_response(404, {"error": f"Could not find: {error.message}"})
    if isinstance(error, JobClosed):
        return json_response(
            400, {"error": "Failed to save person", "reason": "Job application not live"}
        )
    body: dict[str, Any] = {"error": "Failed to save person", "reason": error.message}
    if errors:
        body["errors"] = [e.as_dict() for e in errors]
    return json_response(400 if status in (400, 422) else status, body)


@app.exception_handler(DomainError)
def domain_error(error: DomainError) -> Response[str]:
    status = status_of(error)
    errors = error.errors if isinstance(error, ValidationFailed) else []
    logger.info(
        "request refused",
        extra={"error": error.code, "status": status, "fields": [e.field for e in errors]},
    )
    metrics.add_metric(name="RequestsRefused", unit="Count", value=1)
    if _is_greenhouse():
        return _greenhouse_error(error, status, errors)
    headers = {"WWW-Authenticate": "Basic"} if status == 401 else None
    return json_response(status, error_body(error), headers)


@app.exception_handler(RequestValidationError)
def request_validation_error(error: RequestValidationError) -> Response[str]:
    return domain_error(from_request_validation(list(error.errors())))


@app.exception_handler(IdempotencyValidationError)
def idempotency_key_reused(_: IdempotencyValidationError) -> Response[str]:
    return domain_error(
        ValidationFailed(
            [
                FieldError(
                    IDEMPOTENCY_HEADER,
                    "reused_with_different_body",
                    "this key was used for a different request; use a new key",
                )
            ]
        )
    )


@app.exception_handler(IdempotencyAlreadyInProgressError)
def idempotency_in_progress(_: IdempotencyAlreadyInProgressError) -> Response[str]:
    response = domain_error(Conflict("a request with this Idempotency-Key is still in progress"))
    response.headers["Retry-After"] = "1"
    return response


GREENHOUSE_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "GreenhouseError",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "reason": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    },
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, with the request bodies Powertools cannot infer
    (the apply routes read JSON or multipart themselves)."""
    document: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(
            title="Recruiting careers-site API",
            version="0.1.0",
            description="Public routes for careers sites, and the Greenhouse Job Board API.",
        )
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    bodies: dict[str, type[BaseModel]] = {
        "/jobs/{job_id}/applications": ApplicationForm,
        "/jobs/{job_id}/applications/uploads": UploadRequest,
    }
    for path, model in bodies.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        ref = {"$ref": f"#/components/schemas/{model.__name__}"}
        content = {"application/json": {"schema": ref}}
        if model is ApplicationForm:
            content["multipart/form-data"] = {"schema": {"type": "object"}}
        document["paths"][path]["post"]["requestBody"] = {"required": True, "content": content}
    schemas["GreenhouseApplication"] = GREENHOUSE_APPLICATION
    ref = {"$ref": "#/components/schemas/GreenhouseApplication"}
    document["paths"]["/v1/boards/{board_token}/jobs/{job_id}"]["post"]["requestBody"] = {
        "required": True,
        "content": {
            media_type: {"schema": ref}
            for media_type in (
                "application/json",
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            )
        },
    }
    document_errors(document)
    # The Greenhouse routes refuse in Greenhouse's shape (``_greenhouse_error``).
    schemas["GreenhouseError"] = GREENHOUSE_ERROR_SCHEMA
    refused = error_response("GreenhouseError", "Refused, as Greenhouse's Job Board API refuses")
    for path, operations in document["paths"].items():
        if path.startswith("/v1/boards/"):
            for operation in operations.values():
                operation["responses"]["4XX"] = refused
    return document


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    deps = dependencies.get()
    deps.idempotency.register_context(context)
    return with_cors(event, app.resolve(event, context), deps.settings.careers_site_origins)


def with_cors(
    event: dict[str, Any], result: dict[str, Any], origins: tuple[str, ...]
) -> dict[str, Any]:
    """CORS for the careers sites named in the settings, on every answer, errors
    included (API Gateway answers the preflight; a browser needs the header on
    the actual response too, or it cannot read a 422's field errors)."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    origin = headers.get("origin")
    extra = {"Vary": "Origin"}
    if origin and origin in origins:
        extra["Access-Control-Allow-Origin"] = origin
        extra["Access-Control-Expose-Headers"] = "Location,Idempotent-Replayed"
    result["headers"] = {**(result.get("headers") or {}), **extra}
    if "multiValueHeaders" in result:
        for name in extra:
            result["multiValueHeaders"].pop(name, None)
    return result
