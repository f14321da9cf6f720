"""Applications: POST /jobs/{job_id}/applications and presigned uploads."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import ValidationError

from intake import dependencies
from intake.observability import metrics
from intake.routers.common import content_type, json_response, once, raw_body
from recruiting.intake.forms import field_errors, native_application, read_body
from recruiting.models.applications import (
    ApplicationForm,
    ApplicationReceipt,
    PresignedUpload,
    UploadRequest,
)

router = Router()


@router.post(
    "/jobs/<job_id>/applications",
    summary="Apply to a job (JSON or multipart/form-data)",
    description=(
        "Send the ApplicationForm as JSON (files as content_base64 + filename, or text) or as "
        "multipart/form-data (files as parts; answers[<id>], consent[processing], links[]). "
        "Send an Idempotency-Key header to make retries safe. A repeat of an earlier application "
        "by the same person to the same job returns the original receipt. A 422 names every "
        "broken rule at once: the form's, then the job's (questions, consent, self-identification)."
    ),
    tags=["Careers site"],
    responses={
        201: {
            "description": "Application received, or the original receipt of a repeat",
            "content": {"application/json": {"model": ApplicationReceipt}},
        }
    },
)
def apply(job_id: Annotated[int, Path(ge=1)]) -> Response[str]:
    """Precedence: a form that passes its shape reads the job first (404 unknown,
    410 closed), then answers one 422 of the job's broken rules. A form that does
    not answers one 422 of its shape errors followed by the job's broken rules in
    the parts that parsed; for an unknown or closed job that 422 has the shape
    errors alone (as before), and the 404 or 410 follows once the form is right."""
    deps = dependencies.get()
    event = router.current_event
    body = raw_body(event)
    data = read_body(content_type(event), body, deps.settings.inline_file_max_bytes)

    def action() -> dict[str, Any]:
        shaped = native_application(data)
        try:
            form = ApplicationForm.model_validate(shaped)
        except ValidationError as exc:
            # One 422 with the job's errors too (none for an unknown or closed job).
            raise deps.service.with_job_errors(field_errors(exc), job_id, shaped) from exc
        outcome = deps.service.apply(job_id, form)
        return {"receipt": outcome.receipt.model_dump(mode="json"), "created": outcome.created}

    result, replayed = once(event, f"native#{job_id}", body, action)
    repeated = replayed or not result["created"]
    metrics.add_metric(
        name="RepeatedApplications" if repeated else "ApplicationsReceived", unit="Count", value=1
    )
    headers = {"Location": f"/jobs/{job_id}/applications/{result['receipt']['application_id']}"}
    if repeated:
        headers["Idempotent-Replayed"] = "true"
    return json_response(201, result["receipt"], headers)


@router.post(
    "/jobs/<job_id>/applications/uploads",
    summary="A presigned S3 POST for a resume too large for a request body",
    tags=["Careers site"],
    responses={
        201: {
            "description": "Where and how to upload, for 5 minutes",
            "content": {"application/json": {"model": PresignedUpload}},
        }
    },
)
def create_upload(job_id: Annotated[int, Path(ge=1)]) -> Response[str]:
    deps = dependencies.get()
    event = router.current_event
    data = read_body(content_type(event), raw_body(event), 64 * 1024)
    try:
        request = UploadRequest.model_validate(data)
    except ValidationError as exc:
        raise field_errors(exc) from exc
    upload = deps.service.create_upload(job_id, request)
    return json_response(201, upload.model_dump(mode="json"))
