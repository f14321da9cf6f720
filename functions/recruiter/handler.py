"""Entry point of the recruiter function (API Gateway REST, Cognito authorizer).

Thin: Powertools wiring, the routers, and domain errors as HTTP answers in
one place (``recruiting.http``).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from recruiter import dependencies
from recruiter.observability import logger, metrics
from recruiter.routers import (
    candidates,
    interviews,
    jobs,
    outreach,
    pools,
    privacy,
    reports,
    sources,
    tasks,
    webhooks,
)
from recruiting.errors import DomainError
from recruiting.http import document_errors, error_body, from_request_validation, status_of

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(jobs.router)
app.include_router(candidates.router)
app.include_router(tasks.router)
app.include_router(pools.router)
app.include_router(outreach.router)
app.include_router(interviews.router)
app.include_router(reports.router)
app.include_router(privacy.router)
app.include_router(sources.router)
app.include_router(webhooks.router)


@app.exception_handler(DomainError)
def domain_error(error: DomainError) -> Response[str]:
    status = status_of(error)
    logger.info("request refused", extra={"error": error.code, "status": status})
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(error_body(error)),
    )


@app.exception_handler(RequestValidationError)
def request_validation_error(error: RequestValidationError) -> Response[str]:
    return domain_error(from_request_validation(list(error.errors())))


def openapi_document() -> dict[str, Any]:
    """The recruiter API's OpenAPI document, with its request bodies."""
    from recruiter.routers.candidates import (
        HireRequest,
        MergeRequest,
        MoveRequest,
        RejectRequest,
        WithdrawRequest,
    )
    from recruiting.ats.collaboration import (
        AnnotationRequest,
        NoteRequest,
        ScorecardRequest,
        TaskChanges,
        TaskRequest,
    )
    from recruiting.ats.imports import ImportUploadRequest
    from recruiting.ats.pools import PoolRequest
    from recruiting.ats.sources import SourceRequest
    from recruiting.interviews.models import (
        InterviewRequest,
        RescheduleRequest,
        StaffProfileRequest,
    )
    from recruiting.models.jobs import JobFields, NewJob
    from recruiting.outreach.models import CallRequest, EnrolRequest, SequenceRequest
    from recruiting.privacy.service import ConsentRequest
    from recruiting.reports.models import ReportRequest, SubscriptionRequest
    from recruiting.webhooks.models import WebhookChanges, WebhookRequest

    document: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(title="Recruiting recruiter API", version="0.1.0")
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    application = "/ats/candidates/{candidate_id}/applications/{application_id}"
    bodies: dict[tuple[str, str], Any] = {
        ("/ats/jobs", "post"): NewJob,
        ("/ats/jobs/{job_id}", "patch"): JobFields,
        (f"{application}/moves", "post"): MoveRequest,
        (f"{application}/reject", "post"): RejectRequest,
        (f"{application}/withdraw", "post"): WithdrawRequest,
        (f"{application}/hire", "post"): HireRequest,
        (application, "patch"): AnnotationRequest,
        (f"{application}/scorecards", "post"): ScorecardRequest,
        ("/ats/candidates/{candidate_id}/notes", "post"): NoteRequest,
        ("/ats/tasks", "post"): TaskRequest,
        ("/ats/tasks/{task_id}", "patch"): TaskChanges,
        ("/ats/pools", "post"): PoolRequest,
        ("/ats/candidates/{candidate_id}/merge", "post"): MergeRequest,
        ("/ats/pools/{pool_id}/imports", "post"): ImportUploadRequest,
        ("/ats/sequences", "post"): SequenceRequest,
        ("/ats/sequences/{sequence_id}/enrolments", "post"): EnrolRequest,
        ("/ats/candidates/{candidate_id}/calls", "post"): CallRequest,
        (f"{application}/interviews", "post"): InterviewRequest,
        (f"{application}/interviews/{{interview_id}}", "patch"): RescheduleRequest,
        ("/ats/users/{user_id}/profile", "put"): StaffProfileRequest,
        ("/ats/reports", "post"): ReportRequest,
        ("/ats/report-subscriptions", "post"): SubscriptionRequest,
        ("/ats/candidates/{candidate_id}/consents", "post"): ConsentRequest,
        ("/ats/sources", "post"): SourceRequest,
        ("/ats/webhooks", "post"): WebhookRequest,
        ("/ats/webhooks/{webhook_id}", "patch"): WebhookChanges,
    }
    for (path, method), model in bodies.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        document["paths"][path][method]["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    document["components"]["securitySchemes"] = {
        "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    }
    for operations in document["paths"].values():
        for operation in operations.values():
            operation["security"] = [{"cognito": []}]
    return document_errors(document)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    dependencies.get().idempotency.register_context(context)
    return app.resolve(event, context)
