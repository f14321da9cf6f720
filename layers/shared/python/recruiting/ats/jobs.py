"""Jobs: create, edit, open, close, list. Closing stops intake at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import ValidationError
from pynamodb.exceptions import TransactWriteError

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import Conflict, FieldError, NotFound, ValidationFailed
from recruiting.models.jobs import Job, JobFields, JobStatus, NewJob, Opening, Workplace
from recruiting.storage.events import EventPublisher
from recruiting.storage.jobs import JobRepository

STAFF = (Role.ADMIN, Role.RECRUITER)


def _invalid(exc: ValidationError) -> ValidationFailed:
    errors = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(p) for p in error["loc"]) or "job"
        errors.append(FieldError(field, error["type"], error["msg"]))
    return ValidationFailed(errors)


def _locatable(job: Job) -> None:
    """A fully remote job says where its applicants may live: job boards and Google
    for Jobs (applicantLocationRequirements) take no remote job without it."""
    if job.workplace is Workplace.REMOTE and not job.remote_countries and job.address is None:
        raise ValidationFailed(
            [
                FieldError(
                    "remote_countries",
                    "remote_needs_countries",
                    "a remote job names the countries its applicants may live in"
                    " (or has an address)",
                )
            ]
        )


class JobService:
    def __init__(
        self,
        jobs: JobRepository,
        events: EventPublisher,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.jobs = jobs
        self.events = events
        self.now = now

    def visible_job(self, principal: Principal, job_id: int) -> Job:
        """A job the caller may see: staff see all; a hiring manager their own."""
        job = self.jobs.get_job(job_id)
        if job is None or not self.may_see(principal, job):
            raise NotFound(f"no job {job_id}")
        return job

    @staticmethod
    def may_see(principal: Principal, job: Job) -> bool:
        if principal.is_staff:
            return True
        return principal.role is Role.HIRING_MANAGER and job.hiring_manager_id == principal.user_id

    def list_jobs(
        self, principal: Principal, status: JobStatus, limit: int, cursor: str | None
    ) -> tuple[list[Job], str | None]:
        require(principal, *STAFF, Role.HIRING_MANAGER)
        jobs, next_cursor = self.jobs.list_by_status(status.value, limit, cursor)
        return [j for j in jobs if self.may_see(principal, j)], next_cursor

    def create(self, principal: Principal, fields: NewJob) -> Job:
        require(principal, *STAFF)
        now = self.now()
        values = fields.model_dump(exclude_none=True)
        values.setdefault("recruiter_id", principal.user_id)
        try:
            job = Job.model_validate(
                {**values, "id": self.jobs.next_job_id(), "created_at": now, "updated_at": now}
            )
        except ValidationError as exc:
            raise _invalid(exc) from exc
        _locatable(job)
        self.jobs.save_job(job)
        self._announce("job.created", job, principal)
        return job

    def edit(self, principal: Principal, job_id: int, changes: JobFields) -> Job:
        require(principal, *STAFF)
        return self._change(
            principal, job_id, changes.model_dump(exclude_unset=True), "job.updated"
        )

    def open(self, principal: Principal, job_id: int) -> Job:
        require(principal, *STAFF)
        return self._change(principal, job_id, {"status": JobStatus.OPEN}, "job.opened")

    def close(self, principal: Principal, job_id: int) -> Job:
        require(principal, *STAFF)
        return self._change(principal, job_id, {"status": JobStatus.CLOSED}, "job.closed")

    def _change(
        self, principal: Principal, job_id: int, changes: dict[str, object], event: str
    ) -> Job:
        found = self.jobs.get_job_with_version(job_id)
        if found is None:
            raise NotFound(f"no job {job_id}")
        job, version = found
        now = self.now()
        if changes.get("status") is JobStatus.OPEN and job.opened_at is None:
            changes["opened_at"] = now
        if changes.get("status") == job.status:
            return job  # opening an open job changes nothing
        if changes.get("status") is JobStatus.OPEN:
            changes["openings"] = (*job.openings, Opening(opened_at=now))
        elif changes.get("status") is JobStatus.CLOSED and job.openings:
            last = job.openings[-1]
            if last.closed_at is None:
                changes["openings"] = (
                    *job.openings[:-1],
                    Opening(opened_at=last.opened_at, closed_at=now),
                )
        try:
            updated = Job.model_validate({**job.model_dump(), **changes, "updated_at": now})
        except ValidationError as exc:
            raise _invalid(exc) from exc
        _locatable(updated)
        dropped = tuple(b for b in job.boards if b not in updated.boards)
        try:
            self.jobs.save_job(updated, version=version, dropped_boards=dropped)
        except TransactWriteError as exc:
            raise Conflict("the job was changed by someone else; reload and try again") from exc
        self._announce(event, updated, principal)
        return updated

    def _announce(self, detail_type: str, job: Job, principal: Principal) -> None:
        self.events.announce(
            detail_type,
            {"job_id": job.id, "status": job.status.value, "actor": principal.user_id},
        )
