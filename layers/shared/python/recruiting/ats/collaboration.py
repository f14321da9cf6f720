"""Working together on candidates: notes with @mentions, tasks, scorecards,
tags and ratings.

A mention (``@user-id`` in a note) gives the mentioned teammate a task, in the
same transaction as the note. Tasks belong to a candidate or a job; anyone
with a role sees the tasks assigned to them, staff see every task of a
subject. Scorecards are one per interviewer per interview (a resubmission
replaces the earlier one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pynamodb.exceptions import PutError

from recruiting import clock
from recruiting.ats.pipeline import PipelineService
from recruiting.ats.vocabulary import TaskStatus
from recruiting.auth import Principal, Role, require
from recruiting.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.events import EventPublisher
from recruiting.storage.items import ApplicationItem, NoteItem, ScorecardItem, TaskItem
from recruiting.storage.tasks import NewTask, TaskRepository, task_item

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9._-]{1,63})")
UserId = Annotated[
    str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
]


class NoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    body: str = Field(min_length=1, max_length=20_000)
    application_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")


class TaskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    title: str = Field(min_length=1, max_length=200)
    notes: str | None = Field(default=None, max_length=5000)
    due_at: datetime | None = None
    assignee_id: UserId
    candidate_id: str | None = Field(default=None, max_length=64)
    job_id: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_subject(self) -> TaskRequest:
        if (self.candidate_id is None) == (self.job_id is None):
            raise ValueError("a task is about a candidate_id or a job_id (one of them)")
        if self.due_at is not None and self.due_at.tzinfo is None:
            raise ValueError("due_at needs a time zone (e.g. 2026-12-01T09:00:00+01:00)")
        return self


class TaskChanges(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    title: str | None = Field(default=None, min_length=1, max_length=200)
    notes: str | None = Field(default=None, max_length=5000)
    due_at: datetime | None = None
    assignee_id: UserId | None = None
    status: TaskStatus | None = None


class Recommendation(StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class ScorecardRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    interview: str = Field(default="general", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    ratings: dict[
        Annotated[str, Field(min_length=1, max_length=100)], Annotated[int, Field(ge=1, le=4)]
    ] = Field(min_length=1, max_length=30)
    recommendation: Recommendation
    notes: str | None = Field(default=None, max_length=20_000)


class AnnotationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    tags: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]] | None = Field(
        default=None, max_length=30
    )
    rating: int | None = Field(default=None, ge=1, le=5)


def task_view(item: TaskItem) -> dict[str, object]:
    return {
        "task_id": item.task_id,
        "title": item.title,
        "notes": item.notes,
        "status": item.status,
        "assignee_id": item.assignee_id,
        "due_at": item.due_at,
        "candidate_id": item.candidate_id,
        "job_id": int(item.job_id) if item.job_id is not None else None,
        "application_id": item.application_id,
        "origin": item.origin,
        "created_by": item.created_by,
        "created_at": item.created_at,
        "completed_at": item.completed_at,
        "version": int(item.version),
    }


class CollaborationService:
    def __init__(
        self,
        pipeline: PipelineService,
        applications: ApplicationRepository,
        tasks: TaskRepository,
        events: EventPublisher | None = None,
        now: Callable[[], datetime] = clock.now,
        new_id: Callable[[], str] = clock.new_id,
    ) -> None:
        self.pipeline = pipeline
        self.applications = applications
        self.tasks = tasks
        self.events = events
        self.now = now
        self.new_id = new_id

    def _announce(self, detail_type: str, detail: dict[str, object]) -> None:
        if self.events is not None:
            self.events.announce(detail_type, detail)

    # --- notes -------------------------------------------------------------------

    def add_note(
        self, principal: Principal, candidate_id: str, request: NoteRequest
    ) -> dict[str, object]:
        profile = self.pipeline.profile(principal, candidate_id)  # 404 unless visible
        if request.application_id and request.application_id not in {
            a["application_id"] for a in profile.applications
        }:
            raise ValidationFailed(
                [
                    FieldError(
                        "application_id",
                        "unknown_application",
                        "is not an application of this candidate",
                    )
                ]
            )
        now = self.now()
        note_id = self.new_id()
        mentioned = sorted({m for m in MENTION.findall(request.body)} - {principal.user_id})
        name = f"{profile.candidate['first_name']} {profile.candidate['last_name']}"
        tasks = [
            task_item(
                NewTask(
                    task_id=self.new_id(),
                    title=f"You were mentioned in a note on {name}",
                    notes=request.body[:500],
                    assignee_id=user,
                    created_by=principal.user_id,
                    created_at=now,
                    origin="mention",
                    candidate_id=candidate_id,
                    application_id=request.application_id,
                )
            )
            for user in mentioned
        ]
        note = NoteItem(
            f"CAND#{candidate_id}",
            f"NOTE#{clock.iso(now)}#{note_id}",
            note_id=note_id,
            body=request.body,
            author=principal.user_id,
            mentions=mentioned,
            application_id=request.application_id,
            at=clock.iso(now),
        )
        self.applications.add_note(note, tasks)
        self._announce(
            "candidate.updated",
            {
                "candidate_id": candidate_id,
                "change": "note",
                "note_id": note_id,
                "tasks_created": [t.task_id for t in tasks],
                "actor": principal.user_id,
            },
        )
        return {
            "note_id": note_id,
            "body": request.body,
            "author": principal.user_id,
            "mentions": mentioned,
            "application_id": request.application_id,
            "at": clock.iso(now),
            "tasks": [t.task_id for t in tasks],
        }

    # --- tasks -------------------------------------------------------------------

    def create_task(self, principal: Principal, request: TaskRequest) -> dict[str, object]:
        require(principal, Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER)
        if request.candidate_id is not None:
            self.pipeline.profile(principal, request.candidate_id)
        elif request.job_id is not None:
            self.pipeline.jobs.visible_job(principal, request.job_id)
        item = self.tasks.create(
            NewTask(
                task_id=self.new_id(),
                title=request.title,
                notes=request.notes,
                due_at=request.due_at,
                assignee_id=request.assignee_id,
                created_by=principal.user_id,
                created_at=self.now(),
                candidate_id=request.candidate_id,
                job_id=request.job_id,
            )
        )
        self._announce(
            "task.created",
            {"task_id": item.task_id, "assignee_id": item.assignee_id, "actor": principal.user_id},
        )
        return task_view(item)

    def list_tasks(
        self,
        principal: Principal,
        assignee: str | None,
        candidate_id: str | None,
        job_id: int | None,
        status: TaskStatus,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[dict[str, object]], str | None]:
        if candidate_id is not None or job_id is not None:
            if candidate_id is not None:
                self.pipeline.profile(principal, candidate_id)
                subject = f"CAND#{candidate_id}"
            else:
                assert job_id is not None
                self.pipeline.jobs.visible_job(principal, job_id)
                subject = f"JOB#{job_id}"
            items, next_cursor = self.tasks.for_subject(subject, limit, cursor)
            return [task_view(i) for i in items if i.status == status.value], next_cursor
        who = assignee or principal.user_id
        if who != principal.user_id and not principal.is_staff:
            raise Forbidden("only admins and recruiters see other people's tasks")
        items, next_cursor = self.tasks.for_assignee(who, status.value, limit, cursor)
        return [task_view(i) for i in items], next_cursor

    def update_task(
        self, principal: Principal, task_id: str, changes: TaskChanges
    ) -> dict[str, object]:
        item = self.tasks.get(task_id)
        if item is None:
            raise NotFound(f"no task {task_id}")
        allowed = principal.is_staff or principal.user_id in (item.assignee_id, item.created_by)
        if not allowed:
            raise NotFound(f"no task {task_id}")
        values = changes.model_dump(exclude_unset=True)
        if "due_at" in values and values["due_at"] is not None:
            if values["due_at"].tzinfo is None:
                raise ValidationFailed([FieldError("due_at", "timezone", "needs a time zone")])
            values["due_at"] = clock.iso(values["due_at"])
        if "status" in values and values["status"] is not None:
            values["status"] = values["status"].value
        try:
            updated = self.tasks.update(item, values, self.now())
        except PutError as exc:
            raise Conflict("the task was changed by someone else; reload and try again") from exc
        self._announce(
            "task.updated",
            {
                "task_id": updated.task_id,
                "status": updated.status,
                "assignee_id": updated.assignee_id,
                "actor": principal.user_id,
            },
        )
        return task_view(updated)

    # --- scorecards, tags, ratings ---------------------------------------------

    def _application(
        self, principal: Principal, candidate_id: str, application_id: str
    ) -> ApplicationItem:
        profile = self.pipeline.profile(principal, candidate_id)
        if application_id not in {a["application_id"] for a in profile.applications}:
            raise NotFound(f"no application {application_id}")
        application = self.applications.get_application(candidate_id, application_id)
        assert application is not None
        return application

    def submit_scorecard(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        request: ScorecardRequest,
    ) -> dict[str, object]:
        application = self._application(principal, candidate_id, application_id)
        now = clock.iso(self.now())
        item = ScorecardItem(
            f"CAND#{candidate_id}",
            f"SCORE#{application_id}#{request.interview}#{principal.user_id}",
            application_id=application_id,
            job_id=int(application.job_id),
            interview=request.interview,
            author=principal.user_id,
            ratings=dict(request.ratings),
            recommendation=request.recommendation.value,
            notes=request.notes,
            submitted_at=now,
        )
        item.save()
        self._announce(
            "candidate.updated",
            {
                "candidate_id": candidate_id,
                "application_id": application_id,
                "change": "scorecard",
                "actor": principal.user_id,
            },
        )
        return {
            "application_id": application_id,
            "interview": request.interview,
            "author": principal.user_id,
            "ratings": dict(request.ratings),
            "recommendation": request.recommendation.value,
            "notes": request.notes,
            "submitted_at": now,
        }

    def annotate(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        request: AnnotationRequest,
    ) -> dict[str, object]:
        application = self._application(principal, candidate_id, application_id)
        tags = sorted(set(request.tags)) if request.tags is not None else None
        self.applications.annotate(application, tags, request.rating, self.now())
        refreshed = self.applications.get_application(candidate_id, application_id)
        assert refreshed is not None
        self._announce(
            "candidate.updated",
            {
                "candidate_id": candidate_id,
                "change": "tags_or_rating",
                "actor": principal.user_id,
            },
        )
        return {
            "application_id": application_id,
            "tags": list(refreshed.tags or []),
            "rating": int(refreshed.rating) if refreshed.rating is not None else None,
        }
