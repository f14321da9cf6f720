"""Applications through a job's pipeline: lists, profiles, stage moves.

A move is conditional on the application's version, so two recruiters moving
the same application at once cannot both win: the second gets 409 and
reloads. Rejections carry a reason code from a fixed list so they can be
reported; hiring needs a start date; withdrawn, rejected and hired
applications move no further.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from recruiting import clock
from recruiting.ats.jobs import JobService
from recruiting.ats.vocabulary import RejectionReason
from recruiting.auth import Principal, Role
from recruiting.errors import Conflict, FieldError, NotFound, ValidationFailed
from recruiting.models.jobs import Automation, AutomationKind, Job
from recruiting.storage.candidates import (
    ApplicationRepository,
    StageMove,
    WriteConflict,
)
from recruiting.storage.events import EventPublisher
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import (
    ApplicationItem,
    CandidateItem,
    InteractionItem,
    MembershipItem,
    NoteItem,
    ParsedResumeItem,
    ScorecardItem,
    StageChangeItem,
    TaskItem,
)
from recruiting.storage.tasks import NewTask, task_item

DOWNLOAD_LINK_SECONDS = 300


@dataclass
class Profile:
    candidate: dict[str, Any]
    applications: list[dict[str, Any]]
    stage_history: list[dict[str, Any]]
    notes: list[dict[str, Any]] = field(default_factory=list)
    scorecards: list[dict[str, Any]] = field(default_factory=list)
    pools: list[str] = field(default_factory=list)
    # Everything that happened, oldest first: stage changes, notes, scorecards
    # (outreach e-mails, calls and survey answers join in later issues).
    timeline: list[dict[str, Any]] = field(default_factory=list)
    parsed_resumes: list[dict[str, Any]] = field(default_factory=list)


def _application_view(item: ApplicationItem) -> dict[str, Any]:
    return {
        "application_id": item.application_id,
        "candidate_id": item.candidate_id,
        "job_id": int(item.job_id),
        "stage": item.stage,
        "status": item.status,
        "version": int(item.version),
        "applied_at": item.applied_at,
        "last_activity_at": item.last_activity_at,
        "source": item.source,
        "source_token": item.source_token,
        "channel": item.channel,
        "board": item.board,
        "answers": item.answers.as_dict() if item.answers else {},
        "outcome": item.outcome.as_dict() if item.outcome else None,
        "tags": list(item.tags or []),
        "rating": int(item.rating) if item.rating is not None else None,
    }


def _history_view(item: StageChangeItem) -> dict[str, Any]:
    return {
        "application_id": item.application_id,
        "kind": item.kind,
        "from_stage": item.from_stage,
        "to_stage": item.to_stage,
        "actor": item.actor,
        "at": item.at,
        "reason": item.reason,
    }


class PipelineService:
    def __init__(
        self,
        jobs: JobService,
        applications: ApplicationRepository,
        files: ResumeStore,
        events: EventPublisher,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.jobs = jobs
        self.applications = applications
        self.files = files
        self.events = events
        self.now = now
        # (user, application ids) -> those the user interviews for (the schedule table).
        self.interviewing: Callable[[str, list[str]], set[str]] | None = None

    # --- reading -----------------------------------------------------------

    def list_for_job(
        self,
        principal: Principal,
        job_id: int,
        stage: str | None,
        sort: str,
        limit: int,
        cursor: str | None,
        source: str | None,
        status: str | None,
        tag: str | None = None,
        min_rating: int | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        job = self.jobs.visible_job(principal, job_id)
        if stage is not None and job.stage(stage) is None:
            raise ValidationFailed(
                [FieldError("stage", "unknown_stage", "is not a stage of this job")]
            )
        if sort == "last_activity" and stage is None:
            raise ValidationFailed(
                [FieldError("sort", "needs_stage", "sorting by last activity needs a stage")]
            )
        page = self.applications.list_for_job(
            job_id, stage, sort == "last_activity", limit, cursor, source, status, tag, min_rating
        )
        return [_application_view(i) for i in page.items], page.cursor

    def profile(self, principal: Principal, candidate_id: str) -> Profile:
        """What the caller may see of a person: staff everything; a hiring
        manager only the applications to their own jobs (or nothing: 404)."""
        if principal.role is Role.INTERVIEWER and self.interviewing is None:
            raise NotFound(f"no candidate {candidate_id}")
        items = self.applications.partition(candidate_id)
        person = next((i for i in items if isinstance(i, CandidateItem)), None)
        if person is None:
            raise NotFound(f"no candidate {candidate_id}")
        applications = [i for i in items if isinstance(i, ApplicationItem)]
        if principal.role is Role.INTERVIEWER and self.interviewing is not None:
            # Interviewers see the applications they interview for: no notes, and no
            # scorecard but their own (others' would bias theirs).
            mine = self.interviewing(
                principal.user_id, [str(a.application_id) for a in applications]
            )
            applications = [a for a in applications if a.application_id in mine]
            if not applications:
                raise NotFound(f"no candidate {candidate_id}")
        elif not principal.is_staff:
            jobs = self.jobs.jobs.get_jobs([int(a.job_id) for a in applications])
            applications = [
                a
                for a in applications
                if int(a.job_id) in jobs and self.jobs.may_see(principal, jobs[int(a.job_id)])
            ]
            if not applications:
                raise NotFound(f"no candidate {candidate_id}")
        visible = {a.application_id for a in applications}
        history = [
            _history_view(i)
            for i in items
            if isinstance(i, StageChangeItem) and i.application_id in visible
        ]
        views = []
        for application in applications:
            view = _application_view(application)
            view["documents"] = {
                purpose: {
                    "filename": doc.get("filename"),
                    "kind": doc.get("kind"),
                    "size": doc.get("size"),
                    "download_url": self.files.download_url(
                        doc["key"], DOWNLOAD_LINK_SECONDS, doc.get("filename")
                    ),
                }
                for purpose, doc in (
                    application.documents.as_dict() if application.documents else {}
                ).items()
            }
            views.append(view)
        candidate = {
            "candidate_id": person.candidate_id,
            "kind": person.kind,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "phone_e164": person.phone_e164,
            "location": person.location,
            "links": list(person.links or []),
            "flags": list(person.flags or []),
            "created_at": person.created_at,
            "updated_at": person.updated_at,
        }
        notes = [
            {
                "note_id": i.note_id,
                "body": i.body,
                "author": i.author,
                "mentions": list(i.mentions or []),
                "application_id": i.application_id,
                "at": i.at,
            }
            for i in items
            if isinstance(i, NoteItem)
            and principal.role is not Role.INTERVIEWER
            and (principal.is_staff or i.application_id is None or i.application_id in visible)
        ]
        scorecards = [
            {
                "application_id": i.application_id,
                "interview": i.interview,
                "author": i.author,
                "ratings": i.ratings.as_dict(),
                "recommendation": i.recommendation,
                "notes": i.notes,
                "submitted_at": i.submitted_at,
            }
            for i in items
            if isinstance(i, ScorecardItem)
            and i.application_id in visible
            and (principal.role is not Role.INTERVIEWER or i.author == principal.user_id)
        ]
        pools = (
            [i.pool_id for i in items if isinstance(i, MembershipItem)]
            if principal.is_staff
            else []
        )
        timeline = sorted(
            [{"type": "stage_change", **h} for h in history]
            + [{"type": "note", **n} for n in notes]
            + [{"type": "scorecard", "at": c["submitted_at"], **c} for c in scorecards]
            + (
                [
                    {
                        "type": str(i.kind),
                        "at": i.at,
                        "summary": i.summary,
                        "actor": i.actor,
                        "sequence_id": i.sequence_id,
                        **({"automatic": i.automatic} if i.automatic else {}),
                    }
                    for i in items
                    if isinstance(i, InteractionItem)
                ]
                if principal.is_staff
                else []
            ),
            key=lambda entry: str(entry["at"]),
        )
        parsed_resumes = [
            self._parsed_view(i)
            for i in items
            if isinstance(i, ParsedResumeItem)
            and (principal.is_staff or i.source.removeprefix("APP#") in visible)
        ]
        return Profile(
            parsed_resumes=parsed_resumes,
            candidate=candidate,
            applications=views,
            stage_history=history,
            notes=notes,
            scorecards=scorecards,
            pools=pools,
            timeline=timeline,
        )

    def _parsed_view(self, item: ParsedResumeItem) -> dict[str, Any]:
        source = item.source
        view: dict[str, Any] = {
            "parsed_at": item.parsed_at,
            "filled": list(item.filled or []),
            "profile": item.profile,
            # (an attachment: an uploaded file never opens in the recruiter's browser)
            "document_url": self.files.download_url(
                item.document_key, DOWNLOAD_LINK_SECONDS, item.document_key.rsplit("/", 1)[-1]
            ),
        }
        if source.startswith("APP#"):
            view.update(source="application", application_id=source.removeprefix("APP#"))
        else:
            _, pool_id, file = source.split("#", 2)
            view.update(source="import", pool_id=pool_id, file=file)
        return view

    # --- moving --------------------------------------------------------------

    def _load(
        self, principal: Principal, candidate_id: str, application_id: str
    ) -> tuple[ApplicationItem, Job]:
        if principal.role is Role.INTERVIEWER:
            raise NotFound(f"no application {application_id}")
        application = self.applications.get_application(candidate_id, application_id)
        if application is None:
            raise NotFound(f"no application {application_id}")
        job = self.jobs.jobs.get_job(int(application.job_id))
        if job is None or not self.jobs.may_see(principal, job):
            raise NotFound(f"no application {application_id}")
        return application, job

    @staticmethod
    def _check_active(application: ApplicationItem, expected_version: int | None) -> None:
        if application.status != "active":
            raise Conflict(f"the application is {application.status}; it moves no further")
        if expected_version is not None and expected_version != int(application.version):
            raise Conflict(
                f"the application changed (version {int(application.version)}, "
                f"you had {expected_version}); reload and try again"
            )

    def move(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        to_stage: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        application, job = self._load(principal, candidate_id, application_id)
        if job.stage(to_stage) is None:
            raise ValidationFailed(
                [FieldError("to_stage", "unknown_stage", "is not a stage of this job")]
            )
        self._check_active(application, expected_version)
        if to_stage == application.stage:
            raise Conflict(f"the application is already in {to_stage}")
        if to_stage == job.final_stage.id:
            raise Conflict(f"{to_stage} is reached by hiring, which needs a start date: use /hire")
        now = self.now()
        stage = job.stage(to_stage)
        assert stage is not None
        tasks, queued = self._automations(job, application, stage.on_enter, now)
        move = StageMove(
            to_stage=to_stage,
            status="active",
            kind="move",
            actor=principal.user_id,
            at=now,
            tasks=tuple(tasks),
        )
        return self._commit(application, move, "candidate.stage_changed", queued)

    def _automations(
        self,
        job: Job,
        application: ApplicationItem,
        automations: tuple[Automation, ...],
        now: datetime,
    ) -> tuple[list[TaskItem], list[dict[str, Any]]]:
        """Tasks to write with the move, and automations for other functions
        (e-mails and assessments go out through outreach, issue 5; they ride on
        the stage-change event). Task ids derive from the entry, so one entry
        can only ever create them once."""
        tasks: list[TaskItem] = []
        queued: list[dict[str, Any]] = []
        entry = f"{application.application_id}#{clock.iso(now)}"
        for index, automation in enumerate(automations):
            if automation.kind not in (AutomationKind.TASK, AutomationKind.SCORECARD):
                queued.append(automation.model_dump(mode="json", exclude_none=True))
                continue
            scorecard = automation.kind is AutomationKind.SCORECARD
            role = automation.role or ("hiring_manager" if scorecard else "recruiter")
            assignee = job.hiring_manager_id if role == "hiring_manager" else job.recruiter_id
            if not assignee:
                continue
            tasks.append(
                task_item(
                    NewTask(
                        task_id=hashlib.sha256(f"{entry}#{index}".encode()).hexdigest()[:32],
                        title=automation.title
                        or ("Submit a scorecard" if scorecard else "Follow up"),
                        assignee_id=assignee,
                        created_by="automation",
                        created_at=now,
                        origin="automation",
                        candidate_id=application.candidate_id,
                        job_id=int(application.job_id),
                        application_id=application.application_id,
                    )
                )
            )
        return tasks, queued

    def reject(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        reason: RejectionReason,
        note: str | None,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        return self._end(
            principal, candidate_id, application_id, expected_version,
            status="rejected", kind="reject", event="application.rejected",
            reason=reason.value, note=note,
        )  # fmt: skip

    def withdraw(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        note: str | None,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        return self._end(
            principal, candidate_id, application_id, expected_version,
            status="withdrawn", kind="withdraw", event="application.withdrawn",
            reason=None, note=note,
        )  # fmt: skip

    def _end(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        expected_version: int | None,
        *,
        status: str,
        kind: str,
        event: str,
        reason: str | None,
        note: str | None,
    ) -> dict[str, Any]:
        """Close an application where it stands (rejected or withdrawn)."""
        application, _ = self._load(principal, candidate_id, application_id)
        self._check_active(application, expected_version)
        now = self.now()
        outcome: dict[str, Any] = {"note": note, "at": clock.iso(now), "by": principal.user_id}
        if reason is not None:
            outcome["reason"] = reason
        move = StageMove(
            to_stage=application.stage,
            status=status,
            kind=kind,
            actor=principal.user_id,
            at=now,
            reason=reason,
            outcome=outcome,
        )
        return self._commit(application, move, event)

    def hire(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        start_date: date,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        application, job = self._load(principal, candidate_id, application_id)
        self._check_active(application, expected_version)
        if start_date.isoformat() < application.applied_at[:10]:
            raise ValidationFailed(
                [FieldError("start_date", "before_application", "is before the application date")]
            )
        now = self.now()
        move = StageMove(
            to_stage=job.final_stage.id,
            status="hired",
            kind="hire",
            actor=principal.user_id,
            at=now,
            outcome={
                "start_date": start_date.isoformat(),
                "at": clock.iso(now),
                "by": principal.user_id,
            },
        )
        return self._commit(application, move, "application.hired")

    def _commit(
        self,
        application: ApplicationItem,
        move: StageMove,
        event: str,
        automations: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        from_stage = application.stage
        try:
            self.applications.record_move(application, move)
        except WriteConflict as exc:
            raise Conflict(
                "the application was changed by someone else; reload and try again"
            ) from exc
        moved = self.applications.get_application(
            application.candidate_id, application.application_id
        )
        assert moved is not None
        self.events.announce(
            event,
            {
                "application_id": application.application_id,
                "candidate_id": application.candidate_id,
                "job_id": int(application.job_id),
                "from_stage": from_stage,
                "to_stage": move.to_stage,
                "status": move.status,
                "reason": move.reason,
                "actor": move.actor,
                "at": clock.iso(move.at),
                "tasks_created": [t.task_id for t in move.tasks],
                "automations": automations or [],
            },
        )
        return _application_view(moved)
