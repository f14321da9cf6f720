"""What the careers-site routes answer, as pydantic models (they feed OpenAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from recruiting.models.jobs import (
    Address,
    ConsentPolicy,
    EmploymentType,
    Job,
    Question,
    Salary,
    SelfIdQuestion,
    Workplace,
)

if TYPE_CHECKING:  # storage loads with the service, not with the routes
    from recruiting.storage.jobs import Posting


class JobSummary(BaseModel):
    model_config = ConfigDict(defer_build=True)

    id: int
    title: str
    department: str | None
    location: str | None
    employment_type: str | None
    updated_at: str
    url: str

    @classmethod
    def of(cls, posting: Posting) -> JobSummary:
        return cls(
            id=posting.job_id,
            title=posting.title,
            department=posting.department,
            location=posting.location,
            employment_type=posting.employment_type,
            updated_at=posting.updated_at,
            url=f"/jobs/{posting.job_id}",
        )


class JobPage(BaseModel):
    model_config = ConfigDict(defer_build=True)

    jobs: list[JobSummary]
    next_cursor: str | None


class SelfIdentification(BaseModel):
    model_config = ConfigDict(defer_build=True)

    notice: str
    questions: tuple[SelfIdQuestion, ...]


class PublicJob(BaseModel):
    """A job with everything needed to render its application form."""

    model_config = ConfigDict(defer_build=True)

    id: int
    title: str
    department: str | None
    location: str | None
    employment_type: EmploymentType
    job_function: str | None
    description_html: str
    updated_at: datetime
    # Structured place and pay (``location`` stays the text to show).
    address: Address | None
    workplace: Workplace
    remote_countries: tuple[str, ...]
    salary: Salary | None
    category: str | None
    valid_through: datetime | None
    questions: tuple[Question, ...]
    consent: ConsentPolicy
    self_identification: SelfIdentification
    apply_url: str
    uploads_url: str
    # schema.org JobPosting JSON-LD, for a page to embed (Google for Jobs).
    posting_url: str

    @classmethod
    def of(cls, job: Job) -> PublicJob:
        return cls(
            id=job.id,
            title=job.title,
            department=job.department,
            location=job.location,
            employment_type=job.employment_type,
            job_function=job.job_function,
            description_html=job.description_html,
            updated_at=job.updated_at,
            address=job.address,
            workplace=job.workplace,
            remote_countries=job.remote_countries,
            salary=job.salary,
            category=job.category,
            valid_through=job.valid_through,
            questions=job.questions,
            consent=job.consent,
            self_identification=SelfIdentification(
                notice=(
                    "Voluntary. Answers are stored apart from your application, are never "
                    "seen by the people assessing it, and are reported only in aggregate."
                ),
                questions=job.self_identification,
            ),
            apply_url=f"/jobs/{job.id}/applications",
            uploads_url=f"/jobs/{job.id}/applications/uploads",
            posting_url=f"/jobs/{job.id}/posting",
        )
