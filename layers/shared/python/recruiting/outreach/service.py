"""Sequences and enrolments (the recruiter API) and the sender (the outreach function).

A step is sent by one message on the outreach queue, put there by the sweep
when the enrolment's next step falls due. Right before sending, the sender
checks every stop rule against fresh reads; it claims the step in the send
ledger before SES is called and settles the ledger, the enrolment's next step
and the person's timeline in one transaction after. What it cannot know (SES
may have accepted a message whose answer was lost) it marks ``unknown`` and
never sends again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import FieldError, NotFound, ValidationFailed
from recruiting.outreach.models import CallRequest, EnrolRequest, SearchFilter, SequenceRequest
from recruiting.outreach.windows import due_after, next_send_time, resolve_tz
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.items import (
    CandidateItem,
    EnrolmentItem,
    InteractionItem,
    SequenceItem,
    SurveyItem,
)
from recruiting.storage.outreach import OutreachRepository, due_keys

logger = Logger(child=True)
CATCH_UP_DAYS = 7  # the sweep looks this far back for steps a pause left behind


def _iso(value: datetime) -> str:
    return clock.iso(value)


def sequence_view(item: SequenceItem) -> dict[str, Any]:
    return {"sequence_id": item.sequence_id, **dict(item.body), "created_at": item.created_at}


def enrolment_view(item: EnrolmentItem) -> dict[str, Any]:
    return {
        "candidate_id": item.candidate_id,
        "status": item.status,
        "step": int(item.step),
        "due_at": item.due_at,
        "stop_reason": item.stop_reason,
        "enrolled_at": item.enrolled_at,
    }


class SequenceService:
    """The recruiter's side: write sequences, enrol people, see where each one is."""

    def __init__(
        self,
        outreach: OutreachRepository,
        applications: ApplicationRepository,
        now: Callable[[], datetime] = clock.now,
        new_id: Callable[[], str] = clock.new_id,
        find: Callable[[Principal, SearchFilter], list[str]] | None = None,
    ) -> None:
        self.outreach = outreach
        self.applications = applications
        self.find = find
        self.now = now
        self.new_id = new_id

    def create(self, principal: Principal, request: SequenceRequest) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        from recruiting.outreach.render import TemplateError, check_template

        errors = []
        for index, step in enumerate(request.steps):
            try:
                check_template(step.subject, step.body)
            except TemplateError as error:
                errors.append(FieldError(f"steps[{index}].{error.field}", error.rule, str(error)))
        if errors:
            raise ValidationFailed(errors)
        sequence_id = self.new_id()
        now = _iso(self.now())
        item = SequenceItem(
            f"SEQ#{sequence_id}",
            "SEQ",
            sequence_id=sequence_id,
            body=request.model_dump(mode="json"),
            created_by=principal.user_id,
            created_at=now,
            gsi1pk="SEQUENCES",
            gsi1sk=f"{now}#{sequence_id}",
        )
        self.outreach.save_sequence(item)
        return sequence_view(item)

    def all(self, principal: Principal) -> list[dict[str, Any]]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        return [sequence_view(s) for s in self.outreach.sequences()]

    def _sequence(self, principal: Principal, sequence_id: str) -> SequenceItem:
        require(principal, Role.ADMIN, Role.RECRUITER)
        item = self.outreach.sequence(sequence_id)
        if item is None:
            raise NotFound(f"no sequence {sequence_id}")
        return item

    def get(self, principal: Principal, sequence_id: str) -> dict[str, Any]:
        item = self._sequence(principal, sequence_id)
        enrolments = [enrolment_view(e) for e in self.outreach.enrolments(sequence_id)]
        counts: dict[str, int] = {}
        for e in enrolments:
            counts[str(e["status"])] = counts.get(str(e["status"]), 0) + 1
        return {**sequence_view(item), "counts": counts, "enrolments": enrolments}

    def enrol(
        self, principal: Principal, sequence_id: str, request: EnrolRequest
    ) -> dict[str, Any]:
        """Enrol people; someone already enrolled in this sequence is left as they are."""
        sequence = self._sequence(principal, sequence_id)
        body = SequenceRequest.model_validate(sequence.body)
        if request.pool_id:
            if self.applications.get_pool(request.pool_id) is None:
                raise NotFound(f"no pool {request.pool_id}")
            ids = self._pool_members(request.pool_id)
        elif request.search is not None:
            if self.find is None:
                raise RuntimeError("enrolling a search needs the search service")
            ids = self.find(principal, request.search)
        else:
            ids = list(dict.fromkeys(request.candidate_ids))
        people = {p.candidate_id: p for p in self._people(ids)}
        missing = [cid for cid in ids if cid not in people]
        if missing and request.candidate_ids:
            raise ValidationFailed(
                [FieldError("candidate_ids", "unknown_candidate", f"no candidate {missing[0]}")]
            )
        now = self.now()
        enrolled, already = [], []
        for start in range(0, len(ids), 100):
            chunk = [cid for cid in ids[start : start + 100] if cid in people]
            known = self.outreach.enrolled(sequence_id, chunk)
            already += [cid for cid in chunk if cid in known]
            fresh = [cid for cid in chunk if cid not in known]
            items = [self._enrolment(sequence_id, body, cid, principal, now) for cid in fresh]
            self.outreach.add_enrolments(items)
            enrolled += fresh
        return {"sequence_id": sequence_id, "enrolled": len(enrolled), "already_enrolled": already}

    def _enrolment(
        self,
        sequence_id: str,
        body: SequenceRequest,
        candidate_id: str,
        principal: Principal,
        now: datetime,
    ) -> EnrolmentItem:
        zone = resolve_tz(None, body.time_zone)
        due = next_send_time(
            now + timedelta(days=body.steps[0].delay_days), body.send_window.as_window(), zone
        )
        due_at = _iso(due)
        keys = due_keys(due_at, sequence_id, candidate_id)
        return EnrolmentItem(
            f"SEQ#{sequence_id}",
            f"ENROL#{candidate_id}",
            sequence_id=sequence_id,
            candidate_id=candidate_id,
            status="active",
            step=0,
            due_at=due_at,
            time_zone=zone,
            enrolled_by=principal.user_id,
            enrolled_at=_iso(now),
            updated_at=_iso(now),
            gsi2pk=f"PERSON#{candidate_id}",
            gsi2sk=f"SEQ#{sequence_id}",
            gsi1pk=keys["gsi1pk"],
            gsi1sk=keys["gsi1sk"],
        )

    def _pool_members(self, pool_id: str) -> list[str]:
        ids: list[str] = []
        cursor = None
        while True:
            page, cursor = self.applications.members(pool_id, 100, cursor)
            ids += page
            if not cursor:
                return ids

    def _people(self, ids: list[str]) -> list[CandidateItem]:
        people: list[CandidateItem] = []
        for start in range(0, len(ids), 100):
            keys = [(f"CAND#{cid}", "PROFILE") for cid in ids[start : start + 100]]
            people += list(CandidateItem.batch_get(keys))
        return people

    def log_call(
        self, principal: Principal, candidate_id: str, request: CallRequest
    ) -> dict[str, Any]:
        """A call on the person's timeline, in order with e-mails, notes and stages."""
        require(principal, Role.ADMIN, Role.RECRUITER)
        if self.applications.get_candidate(candidate_id) is None:
            raise NotFound(f"no candidate {candidate_id}")
        at = _iso(self.now())
        item = InteractionItem(
            f"CAND#{candidate_id}",
            f"INTERACTION#{at}#call#{self.new_id()}",
            kind="call",
            at=at,
            actor=principal.user_id,
            summary=request.summary,
        )
        item.save()
        return {"candidate_id": candidate_id, "type": "call", "at": at, "summary": item.summary}

    def replied(self, principal: Principal, candidate_id: str) -> dict[str, Any]:
        """A recruiter saw a reply: every active sequence of the person stops."""
        require(principal, Role.ADMIN, Role.RECRUITER)
        if self.applications.get_candidate(candidate_id) is None:
            raise NotFound(f"no candidate {candidate_id}")
        now = _iso(self.now())
        stopped = [
            e.sequence_id
            for e in self.outreach.person_enrolments(candidate_id)
            if e.status == "active" and self.outreach.stop(e, "replied", now)
        ]
        return {"candidate_id": candidate_id, "stopped": stopped}


@dataclass(frozen=True)
class StepMessage:
    sequence_id: str
    candidate_id: str
    step: int

    def body(self) -> str:
        return json.dumps({"type": "outreach.step", **self.__dict__})


@dataclass(frozen=True)
class SurveyMessage:
    application_id: str

    def body(self) -> str:
        return json.dumps({"type": "outreach.survey", "application_id": self.application_id})


class Sweep:
    """Hands the steps that have fallen due to the outreach queue."""

    def __init__(
        self,
        outreach: OutreachRepository,
        enqueue: Callable[[list[StepMessage | SurveyMessage]], None],
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.outreach = outreach
        self.enqueue = enqueue
        self.now = now

    def run(self) -> int:
        now = self.now()
        until = _iso(now)
        batch: list[StepMessage | SurveyMessage] = []
        handed = 0
        for back in range(CATCH_UP_DAYS, -1, -1):
            day = (now - timedelta(days=back)).date().isoformat()
            for due in self.outreach.due(day, until):
                if isinstance(due, SurveyItem):
                    if due.status == "scheduled":
                        batch.append(SurveyMessage(str(due.application_id)))
                    continue
                if due.status != "active":
                    continue
                batch.append(
                    StepMessage(str(due.sequence_id), str(due.candidate_id), int(due.step))
                )
                if len(batch) == 10:
                    self.enqueue(batch)
                    handed += len(batch)
                    batch = []
        if batch:
            self.enqueue(batch)
            handed += len(batch)
        return handed


def next_due(body: SequenceRequest, step: int, sent_at: datetime, zone: str) -> str | None:
    """When the step after ``step`` falls due, or None when the sequence is done."""
    if step + 1 >= len(body.steps):
        return None
    when = due_after(sent_at, body.steps[step + 1].delay_days, body.send_window.as_window(), zone)
    return _iso(when)


def interaction(candidate_id: str, at: str, summary: str, **fields: Any) -> InteractionItem:
    key = f"{fields.get('sequence_id', '')}#{fields.get('step', '')}"
    return InteractionItem(
        f"CAND#{candidate_id}",
        f"INTERACTION#{at}#{key}",
        kind="email",
        at=at,
        actor="outreach",
        summary=summary[:200],
        **fields,
    )
