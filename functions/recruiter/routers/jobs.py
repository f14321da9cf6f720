"""Jobs for recruiters: /ats/jobs."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ConfigDict

from recruiter import dependencies
from recruiter.routers.common import body, principal
from recruiting.models.jobs import Job, JobFields, JobStatus, NewJob

router = Router()
TAGS = ["Jobs"]


class JobList(BaseModel):
    model_config = ConfigDict(defer_build=True)

    jobs: list[Job]
    next_cursor: str | None


@router.get("/ats/jobs", summary="Jobs by status, recently updated first", tags=TAGS)
def list_jobs(
    status: Annotated[JobStatus, Query()] = JobStatus.OPEN,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> JobList:
    jobs, next_cursor = dependencies.get().jobs.list_jobs(
        principal(router.current_event), status, limit, cursor
    )
    return JobList(jobs=jobs, next_cursor=next_cursor)


@router.post("/ats/jobs", summary="Create a job (a draft until opened)", tags=TAGS, status_code=201)
def create_job() -> Job:
    event = router.current_event
    return dependencies.get().jobs.create(principal(event), body(event, NewJob))


@router.get("/ats/jobs/<job_id>", summary="A job with its questions and pipeline", tags=TAGS)
def get_job(job_id: Annotated[int, Path(ge=1)]) -> Job:
    return dependencies.get().jobs.visible_job(principal(router.current_event), job_id)


@router.patch("/ats/jobs/<job_id>", summary="Edit a job (fields given are replaced)", tags=TAGS)
def edit_job(job_id: Annotated[int, Path(ge=1)]) -> Job:
    event = router.current_event
    return dependencies.get().jobs.edit(principal(event), job_id, body(event, JobFields))


@router.post("/ats/jobs/<job_id>/open", summary="Open a job: listed, takes applications", tags=TAGS)
def open_job(job_id: Annotated[int, Path(ge=1)]) -> Job:
    return dependencies.get().jobs.open(principal(router.current_event), job_id)


@router.post("/ats/jobs/<job_id>/close", summary="Close a job: unlisted, intake refuses", tags=TAGS)
def close_job(job_id: Annotated[int, Path(ge=1)]) -> Job:
    return dependencies.get().jobs.close(principal(router.current_event), job_id)


@router.get(
    "/ats/jobs/<job_id>/self-identification",
    summary="Self-identification answers in aggregate (admins only)",
    tags=TAGS,
)
def self_identification(job_id: Annotated[int, Path(ge=1)]) -> dict[str, Any]:
    return dependencies.get().self_identification.for_job(principal(router.current_event), job_id)
