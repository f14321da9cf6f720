"""Outreach sequences: /ats/sequences, enrolments, and marking a reply."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from recruiter import dependencies
from recruiter.routers.common import body, created_once, principal

router = Router()
TAGS = ["Outreach"]
SEQUENCE_ID = r"^[0-9a-f]{32}$"
CANDIDATE_ID = r"^[0-9a-f]{32}$|^[A-Za-z0-9_-]{1,64}$"


@router.get("/ats/sequences", summary="Outreach sequences, newest first", tags=TAGS)
def list_sequences() -> dict[str, Any]:
    return {"sequences": dependencies.get().sequences.all(principal(router.current_event))}


@router.post(
    "/ats/sequences", summary="Write a sequence of e-mail steps", tags=TAGS, status_code=201
)
def create_sequence() -> dict[str, Any]:
    from recruiting.outreach.models import SequenceRequest

    event = router.current_event
    caller = principal(event)
    request = body(event, SequenceRequest)
    return created_once(
        event,
        f"sequence#{caller.user_id}",
        lambda: dependencies.get().sequences.create(caller, request),
    )


@router.get(
    "/ats/sequences/<sequence_id>",
    summary="A sequence with each recipient's step and status",
    tags=TAGS,
)
def get_sequence(sequence_id: Annotated[str, Path(pattern=SEQUENCE_ID)]) -> dict[str, Any]:
    return dependencies.get().sequences.get(principal(router.current_event), sequence_id)


@router.post(
    "/ats/sequences/<sequence_id>/enrolments",
    summary="Enrol chosen candidates, a talent pool or a search's results",
    tags=TAGS,
)
def enrol(sequence_id: Annotated[str, Path(pattern=SEQUENCE_ID)]) -> dict[str, Any]:
    from recruiting.outreach.models import EnrolRequest

    event = router.current_event
    request = body(event, EnrolRequest)
    return dependencies.get().sequences.enrol(principal(event), sequence_id, request)


@router.post(
    "/ats/candidates/<candidate_id>/replied",
    summary="The candidate replied: their sequences stop",
    tags=TAGS,
)
def replied(candidate_id: Annotated[str, Path(pattern=CANDIDATE_ID)]) -> dict[str, Any]:
    return dependencies.get().sequences.replied(principal(router.current_event), candidate_id)


@router.post(
    "/ats/candidates/<candidate_id>/calls",
    summary="Log a call on the candidate's timeline",
    tags=TAGS,
    status_code=201,
)
def log_call(candidate_id: Annotated[str, Path(pattern=CANDIDATE_ID)]) -> dict[str, Any]:
    from recruiting.outreach.models import CallRequest

    event = router.current_event
    request = body(event, CallRequest)
    return created_once(
        event,
        f"call#{candidate_id}",
        lambda: dependencies.get().sequences.log_call(principal(event), candidate_id, request),
    )


@router.get(
    "/ats/surveys",
    summary="Candidate experience survey results (NPS) for a job or a department",
    tags=TAGS,
)
def survey_results(
    job_id: Annotated[int | None, Query(ge=1)] = None,
    department: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> dict[str, Any]:
    return dependencies.get().surveys.results(
        principal(router.current_event), job_id=job_id, department=department
    )
