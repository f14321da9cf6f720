"""The Greenhouse Job Board API, so careers sites wired to it can switch by base URL.

GET  /v1/boards/{board_token}
GET  /v1/boards/{board_token}/jobs[?content=true]
GET  /v1/boards/{board_token}/jobs/{job_id}[?questions=true]
POST /v1/boards/{board_token}/jobs/{job_id}   (HTTP Basic: the board's API key)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import ValidationError

from intake import dependencies
from intake.observability import metrics
from intake.routers.common import content_type, json_response, once, raw_body
from recruiting.errors import Unauthorized
from recruiting.intake import greenhouse
from recruiting.intake.forms import field_errors, read_body
from recruiting.models.applications import ApplicationForm
from recruiting.models.jobs import Board

router = Router()
BOARD_SLUG = r"^[a-z0-9][a-z0-9_-]{0,62}$"
TAGS = ["Greenhouse Job Board API"]


@router.get("/v1/boards/<board_token>", summary="The job board", tags=TAGS)
def get_board(board_token: Annotated[str, Path(pattern=BOARD_SLUG)]) -> dict[str, Any]:
    return greenhouse.board_json(dependencies.get().service.board(board_token))


@router.get("/v1/boards/<board_token>/jobs", summary="A board's open jobs", tags=TAGS)
def list_jobs(
    board_token: Annotated[str, Path(pattern=BOARD_SLUG)],
    content: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    deps = dependencies.get()
    deps.service.board(board_token)
    postings = deps.service.all_open_postings(board_token)
    jobs = deps.service.jobs.get_jobs([p.job_id for p in postings])
    base = deps.settings.careers_base_url
    return {
        "jobs": [
            greenhouse.posting_json(p, board_token, base, jobs.get(p.job_id), content)
            for p in postings
        ],
        "meta": {"total": len(postings)},
    }


@router.get("/v1/boards/<board_token>/jobs/<job_id>", summary="One open job", tags=TAGS)
def get_job(
    board_token: Annotated[str, Path(pattern=BOARD_SLUG)],
    job_id: Annotated[int, Path(ge=1)],
    questions: Annotated[bool, Query()] = False,
    pay_transparency: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    deps = dependencies.get()
    deps.service.board(board_token)
    job = deps.service.open_job(job_id, board=board_token)
    return greenhouse.job_json(job, board_token, deps.settings.careers_base_url, questions)


def _check_api_key(board: Board, authorization: str | None) -> None:
    """HTTP Basic with the board's API key as user name and no password."""
    if not board.api_key_sha256:
        raise Unauthorized("this board does not accept applications through the API")
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Unauthorized("Invalid Basic Auth credentials")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").strip()
    except (binascii.Error, ValueError) as exc:
        raise Unauthorized("Invalid Basic Auth credentials") from exc
    key = decoded.split(":", 1)[0]
    given = hashlib.sha256(key.encode("utf-8")).hexdigest()
    if not hmac.compare_digest(given, board.api_key_sha256):
        raise Unauthorized("Invalid Basic Auth credentials")


SAVED: dict[int, Any] = {
    200: {
        "description": "Saved (or already saved: a repeat changes nothing)",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["success"],
                    "properties": {"success": {"type": "string"}},
                }
            }
        },
    }
}


@router.post(
    "/v1/boards/<board_token>/jobs/<job_id>",
    summary="Submit an application",
    tags=TAGS,
    responses=SAVED,
)
def apply(
    board_token: Annotated[str, Path(pattern=BOARD_SLUG)],
    job_id: Annotated[int, Path(ge=1)],
) -> Response[str]:
    deps = dependencies.get()
    event = router.current_event
    board = deps.service.board(board_token)
    _check_api_key(board, event.headers.get("authorization") or event.headers.get("Authorization"))
    body = raw_body(event)
    data = read_body(content_type(event), body, deps.settings.inline_file_max_bytes)

    def action() -> dict[str, Any]:
        shaped = greenhouse.to_application(data)
        try:
            form = ApplicationForm.model_validate(shaped)
        except ValidationError as exc:
            refused = field_errors(exc, greenhouse.field_name)
            raise deps.service.with_job_errors(
                refused, job_id, shaped, board=board_token, names=greenhouse.field_name
            ) from exc
        outcome = deps.service.apply(
            job_id, form, channel="greenhouse", board=board_token, names=greenhouse.field_name
        )
        return {"receipt": outcome.receipt.model_dump(mode="json"), "created": outcome.created}

    result, replayed = once(event, f"greenhouse#{board_token}#{job_id}", body, action)
    repeated = replayed or not result["created"]
    metrics.add_metric(
        name="RepeatedApplications" if repeated else "ApplicationsReceived", unit="Count", value=1
    )
    return json_response(200, {"success": "Candidate saved successfully"})
