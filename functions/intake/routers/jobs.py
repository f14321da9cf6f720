"""Open jobs for a careers site: GET /jobs, GET /jobs/{job_id}."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from intake import dependencies
from intake.views import JobPage, JobSummary, PublicJob
from recruiting.models.jobs import EmploymentType

router = Router()


@router.get("/jobs", summary="List open jobs", tags=["Careers site"])
def list_jobs(
    board: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")] = None,
    department: Annotated[str | None, Query(max_length=200)] = None,
    location: Annotated[str | None, Query(max_length=200)] = None,
    employment_type: Annotated[EmploymentType | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> JobPage:
    from recruiting.storage.jobs import PostingFilters

    deps = dependencies.get()
    filters = PostingFilters(
        department=department,
        location=location,
        employment_type=employment_type.value if employment_type else None,
    )
    postings, next_cursor = deps.service.list_jobs(
        board or deps.settings.default_board, filters, limit, cursor
    )
    return JobPage(jobs=[JobSummary.of(p) for p in postings], next_cursor=next_cursor)


@router.get("/jobs/<job_id>", summary="An open job and its application form", tags=["Careers site"])
def get_job(job_id: Annotated[int, Path(ge=1)]) -> PublicJob:
    return PublicJob.of(dependencies.get().service.open_job(job_id))
