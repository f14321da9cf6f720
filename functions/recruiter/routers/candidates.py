"""Applications of a job, candidate profiles, and stage moves."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from recruiter import dependencies
from recruiter.routers.common import body, created_once, principal
from recruiting.ats.vocabulary import RejectionReason

router = Router()
ID = r"^[0-9a-f]{32}$|^[A-Za-z0-9_-]{1,64}$"
APPLICATION = "/ats/candidates/<candidate_id>/applications/<application_id>"


class ApplicationView(BaseModel):
    model_config = ConfigDict(defer_build=True)

    application_id: str
    candidate_id: str
    job_id: int
    stage: str
    status: str
    version: int
    applied_at: str
    last_activity_at: str
    source: str | None
    # The apply link's source token (gh_src) that named the source, if any.
    source_token: str | None = None
    channel: str
    board: str | None
    answers: dict[str, Any]
    outcome: dict[str, Any] | None
    tags: list[str] = []
    rating: int | None = None
    documents: dict[str, Any] | None = None


class ApplicationList(BaseModel):
    model_config = ConfigDict(defer_build=True)

    applications: list[ApplicationView]
    next_cursor: str | None


class CandidateProfile(BaseModel):
    model_config = ConfigDict(defer_build=True)

    candidate: dict[str, Any]
    applications: list[ApplicationView]
    stage_history: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    scorecards: list[dict[str, Any]]
    pools: list[str]
    timeline: list[dict[str, Any]]
    # What the resume parser read, beside (never over) what the person typed.
    parsed_resumes: list[dict[str, Any]]


class _Versioned(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    # The version the caller saw; a stale one gets 409 instead of overwriting.
    expected_version: int | None = Field(default=None, ge=1)


class MoveRequest(_Versioned):
    to_stage: str = Field(min_length=1, max_length=40)


class RejectRequest(_Versioned):
    reason: RejectionReason
    note: str | None = Field(default=None, max_length=5000)


class WithdrawRequest(_Versioned):
    note: str | None = Field(default=None, max_length=5000)


class HireRequest(_Versioned):
    start_date: date


@router.get(
    "/ats/jobs/<job_id>/applications", summary="A job's applications", tags=["Applications"]
)
def list_applications(
    job_id: Annotated[int, Path(ge=1)],
    stage: Annotated[str | None, Query(max_length=40)] = None,
    sort: Annotated[Literal["applied", "last_activity"], Query()] = "applied",
    status: Annotated[Literal["active", "rejected", "withdrawn", "hired"] | None, Query()] = None,
    source: Annotated[str | None, Query(max_length=100)] = None,
    tag: Annotated[str | None, Query(max_length=40)] = None,
    min_rating: Annotated[int | None, Query(ge=1, le=5)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ApplicationList:
    items, next_cursor = dependencies.get().pipeline.list_for_job(
        principal(router.current_event),
        job_id,
        stage,
        sort,
        limit,
        cursor,
        source,
        status,
        tag,
        min_rating,
    )
    return ApplicationList(
        applications=[ApplicationView.model_validate(i) for i in items], next_cursor=next_cursor
    )


@router.get("/ats/candidates/<candidate_id>", summary="A candidate's profile", tags=["Candidates"])
def get_candidate(candidate_id: Annotated[str, Path(pattern=ID)]) -> CandidateProfile:
    profile = dependencies.get().pipeline.profile(principal(router.current_event), candidate_id)
    return CandidateProfile(
        candidate=profile.candidate,
        applications=[ApplicationView.model_validate(a) for a in profile.applications],
        stage_history=profile.stage_history,
        notes=profile.notes,
        scorecards=profile.scorecards,
        pools=profile.pools,
        timeline=profile.timeline,
        parsed_resumes=profile.parsed_resumes,
    )


@router.post(f"{APPLICATION}/moves", summary="Move to another stage", tags=["Applications"])
def move(
    candidate_id: Annotated[str, Path(pattern=ID)],
    application_id: Annotated[str, Path(pattern=ID)],
) -> ApplicationView:
    event = router.current_event
    request = body(event, MoveRequest)
    return ApplicationView.model_validate(
        dependencies.get().pipeline.move(
            principal(event),
            candidate_id,
            application_id,
            request.to_stage,
            request.expected_version,
        )
    )


@router.post(
    f"{APPLICATION}/reject", summary="Reject, with a reportable reason", tags=["Applications"]
)
def reject(
    candidate_id: Annotated[str, Path(pattern=ID)],
    application_id: Annotated[str, Path(pattern=ID)],
) -> ApplicationView:
    event = router.current_event
    request = body(event, RejectRequest)
    return ApplicationView.model_validate(
        dependencies.get().pipeline.reject(
            principal(event),
            candidate_id,
            application_id,
            request.reason,
            request.note,
            request.expected_version,
        )
    )


@router.post(f"{APPLICATION}/withdraw", summary="The candidate withdrew", tags=["Applications"])
def withdraw(
    candidate_id: Annotated[str, Path(pattern=ID)],
    application_id: Annotated[str, Path(pattern=ID)],
) -> ApplicationView:
    event = router.current_event
    request = body(event, WithdrawRequest)
    return ApplicationView.model_validate(
        dependencies.get().pipeline.withdraw(
            principal(event), candidate_id, application_id, request.note, request.expected_version
        )
    )


@router.post(f"{APPLICATION}/hire", summary="Hire, with a start date", tags=["Applications"])
def hire(
    candidate_id: Annotated[str, Path(pattern=ID)],
    application_id: Annotated[str, Path(pattern=ID)],
) -> ApplicationView:
    event = router.current_event
    request = body(event, HireRequest)
    return ApplicationView.model_validate(
        dependencies.get().pipeline.hire(
            principal(event),
            candidate_id,
            application_id,
            request.start_date,
            request.expected_version,
        )
    )


@router.patch(APPLICATION, summary="Tag and rate an application", tags=["Applications"])
def annotate(
    candidate_id: Annotated[str, Path(pattern=ID)],
    application_id: Annotated[str, Path(pattern=ID)],
) -> dict[str, Any]:
    from recruiting.ats.collaboration import AnnotationRequest

    event = router.current_event
    return dependencies.get().collaboration.annotate(
        principal(event), candidate_id, application_id, body(event, AnnotationRequest)
    )


@router.post(
    f"{APPLICATION}/scorecards",
    summary="Submit (or replace) your scorecard for an interview",
    tags=["Applications"],
    status_code=201,
)
def submit_scorecard(
    candidate_id: Annotated[str, Path(pattern=ID)],
    application_id: Annotated[str, Path(pattern=ID)],
) -> dict[str, Any]:
    from recruiting.ats.collaboration import ScorecardRequest

    event = router.current_event
    return dependencies.get().collaboration.submit_scorecard(
        principal(event), candidate_id, application_id, body(event, ScorecardRequest)
    )


@router.post(
    "/ats/candidates/<candidate_id>/notes",
    summary="Add a note; @user-id mentions give that teammate a task",
    tags=["Candidates"],
    status_code=201,
)
def add_note(candidate_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    from recruiting.ats.collaboration import NoteRequest

    event = router.current_event
    caller = principal(event)
    request = body(event, NoteRequest)
    return created_once(
        event,
        f"note#{caller.user_id}#{candidate_id}",
        lambda: dependencies.get().collaboration.add_note(caller, candidate_id, request),
    )


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    duplicate_id: str = Field(pattern=ID)


@router.get(
    "/ats/candidates/<candidate_id>/duplicates",
    summary="People sharing a phone number or LinkedIn profile with this one",
    tags=["Candidates"],
)
def duplicates(candidate_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    found = dependencies.get().duplicates.find(principal(router.current_event), candidate_id)
    return {"duplicates": found}


@router.post(
    "/ats/candidates/<candidate_id>/merge",
    summary="Merge a duplicate into this candidate (audited)",
    tags=["Candidates"],
)
def merge(candidate_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    event = router.current_event
    request = body(event, MergeRequest)
    return dependencies.get().duplicates.merge(principal(event), candidate_id, request.duplicate_id)


@router.get(
    "/ats/search",
    summary="Search people by keywords (resume text, skills, titles, names), with filters",
    tags=["Candidates"],
)
def search(
    # Optional here so a caller without the role hears 403 before any 422.
    q: Annotated[str, Query(max_length=500)] = "",
    location: Annotated[str | None, Query(max_length=200)] = None,
    min_years: Annotated[float | None, Query(ge=0, le=80)] = None,
    education: Annotated[str | None, Query(max_length=20)] = None,
    pool: Annotated[str | None, Query(max_length=64)] = None,
    tag: Annotated[str | None, Query(max_length=40)] = None,
    stage: Annotated[str | None, Query(max_length=40)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    return dependencies.get().search.search(
        principal(router.current_event),
        q,
        location=location,
        min_years=min_years,
        education_level=education,
        pool=pool,
        tag=tag,
        stage=stage,
        offset=offset,
        limit=limit,
    )
