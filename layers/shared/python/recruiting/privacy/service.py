"""Privacy requests and retention (docs/privacy.md).

- ``PrivacyRequests`` (recruiter API, admins): export everything held about a person,
  request their erasure (done asynchronously by the privacy function), see its audit,
  and record consent given or withdrawn outside an application.
- ``Eraser`` (privacy function): erases a person, and on its daily schedule anonymises
  rejected and withdrawn candidates whose job location's retention has run out.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict, Field

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import NotFound
from recruiting.models.jobs import ConsentPolicy
from recruiting.storage.items import (
    ApplicationItem,
    CandidateItem,
    ConsentItem,
    InteractionItem,
    MembershipItem,
    PrivacyAuditItem,
    SelfIdentificationItem,
    StageChangeItem,
)
from recruiting.storage.privacy import (
    Holdings,
    ObjectVersions,
    PrivacyRepository,
    count_kinds,
    kind_of,
)

logger = Logger(child=True)

EXPORT_LINK_SECONDS = 15 * 60
CLOSED_STATUSES = ("rejected", "withdrawn")


class ConsentRequest(BaseModel):
    """Consent as the person gave (or withdrew) it, recorded by staff."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    processing: bool
    retention: bool
    marketing: bool = False
    policy_version: str = Field(min_length=1, max_length=40, pattern=r"^[\w.\-]+$")
    source: Literal["email", "call", "in_person", "letter", "form"]


def audit_view(audit: PrivacyAuditItem) -> dict[str, Any]:
    return {
        "candidate_id": audit.candidate_id,
        "action": audit.action,
        "status": audit.status,
        "requested_by": audit.requested_by,
        "requested_at": audit.requested_at,
        "reason": audit.reason,
        "completed_at": audit.completed_at,
        "counts": audit.counts.as_dict() if audit.counts else None,
    }


def _plain(item: Any) -> dict[str, Any]:
    data: dict[str, Any] = item.to_simple_dict()
    return {k: v for k, v in data.items() if not k.startswith("gsi")}


def months_before(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


class PrivacyRequests:
    def __init__(
        self,
        repository: PrivacyRepository,
        files: Any,
        enqueue: Callable[[dict[str, Any]], None],
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.repository = repository
        self.files = files  # ResumeStore of the resume bucket (download links)
        self.enqueue = enqueue
        self.now = now

    def _held(self, candidate_id: str) -> Holdings:
        held = self.repository.holdings(candidate_id)
        if held.person is None:
            raise NotFound(f"no candidate {candidate_id}")
        return held

    def export(self, principal: Principal, candidate_id: str) -> dict[str, Any]:
        """Everything held about the person (GDPR Art. 15 and 20): every item as stored,
        grouped by kind, and a 15-minute download link for each of their files."""
        require(principal, Role.ADMIN)
        held = self._held(candidate_id)
        items: dict[str, list[dict[str, Any]]] = {}
        for item in held.items:
            items.setdefault(kind_of(item), []).append(_plain(item))
        files = []
        for application in held.applications:
            documents = application.documents.as_dict() if application.documents else {}
            for purpose, document in sorted(documents.items()):
                files.append(
                    {
                        "application_id": application.application_id,
                        "purpose": purpose,
                        "filename": document.get("filename"),
                        "size": document.get("size"),
                        "sha256": document.get("sha256"),
                        "url": self.files.download_url(
                            document["key"], EXPORT_LINK_SECONDS, document.get("filename")
                        ),
                    }
                )
        for prefix in held.prefixes:
            if prefix.startswith("imports/"):
                files.append(
                    {
                        "purpose": "imported_resume",
                        "filename": prefix.rsplit("/", 1)[-1],
                        "url": self.files.download_url(prefix, EXPORT_LINK_SECONDS),
                    }
                )
        logger.info("privacy export", extra={"candidate_id": candidate_id})
        return {
            "candidate_id": candidate_id,
            "exported_at": clock.iso(self.now()),
            "counts": held.counts(),
            "items": items,
            "files": files,
            "links_expire_in_seconds": EXPORT_LINK_SECONDS,
            # Replies are kept for audit where no function may read them; they are
            # listed so the person knows, and erasure deletes them.
            "stored_replies": len(held.replies),
        }

    def request_erasure(self, principal: Principal, candidate_id: str) -> dict[str, Any]:
        """Record the request once and queue it; asking again re-queues unfinished work."""
        require(principal, Role.ADMIN)
        existing = self.repository.audit(candidate_id, "erasure")
        if existing is None:
            self._held(candidate_id)  # 404 for someone never held
            existing, _ = self.repository.open_audit(
                candidate_id, "erasure", principal.user_id, "request", self.now()
            )
        if existing.status != "done":
            self.enqueue({"type": "privacy.erase", "candidate_id": candidate_id})
        logger.info("erasure requested", extra={"candidate_id": candidate_id})
        return audit_view(existing)

    def erasure(self, principal: Principal, candidate_id: str) -> dict[str, Any]:
        require(principal, Role.ADMIN)
        audit = self.repository.audit(candidate_id, "erasure") or self.repository.audit(
            candidate_id, "anonymisation"
        )
        if audit is None:
            raise NotFound(f"no erasure or anonymisation of {candidate_id}")
        return audit_view(audit)

    def record_consent(
        self, principal: Principal, candidate_id: str, request: ConsentRequest
    ) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        if self.repository.person(candidate_id) is None:
            raise NotFound(f"no candidate {candidate_id}")
        at = clock.iso(self.now())
        item = ConsentItem(
            f"CAND#{candidate_id}",
            f"CONSENT#{at}",
            processing=request.processing,
            retention=request.retention,
            marketing=request.marketing,
            policy_version=request.policy_version,
            source=request.source,
            recorded_by=principal.user_id,
            recorded_at=at,
        )
        item.save()
        recorded = {k: v for k, v in _plain(item).items() if k not in ("pk", "sk", "type")}
        return {"candidate_id": candidate_id, **recorded}


@dataclass(frozen=True)
class Verdict:
    anonymise: bool
    reason: str


def latest_consent(held: Holdings) -> dict[str, Any]:
    """The consent that stands: the latest recorded, by staff or with an application."""
    records: list[dict[str, Any]] = []
    for application in held.applications:
        consent = application.consent.as_dict() if application.consent else {}
        records.append({**consent, "recorded_at": consent.get("recorded_at") or ""})
    for item in held.items:
        if isinstance(item, ConsentItem):
            records.append(
                {"retention": item.retention, "recorded_at": item.recorded_at, "staff": True}
            )
    return max(records, key=lambda r: str(r["recorded_at"]), default={})


def last_activity(held: Holdings) -> str:
    """When the person last engaged: applied or moved, replied, joined a pool, consented.
    Re-engaging resets the retention clock."""
    moments = [str(a.last_activity_at) for a in held.applications]
    for item in held.items:
        if isinstance(item, InteractionItem) and item.kind in ("reply", "survey_answer", "call"):
            moments.append(str(item.at))
        elif isinstance(item, MembershipItem):
            moments.append(str(item.added_at))
        elif isinstance(item, ConsentItem):
            moments.append(str(item.recorded_at))
    return max(moments, default="")


def verdict(held: Holdings, policies: dict[int, ConsentPolicy], now: datetime) -> Verdict:
    """Whether retention anonymises the person now, and why (or why not)."""
    applications = [a for a in held.applications if not a.anonymised_at]
    if held.person is None or not applications:
        return Verdict(False, "nothing_to_anonymise")
    if any(a.status not in CLOSED_STATUSES for a in applications):
        return Verdict(False, "open_or_hired_application")
    last = clock.parse(last_activity(held))
    consent = latest_consent(held)
    for application in applications:
        policy = policies.get(int(application.job_id))
        if policy is None or policy.anonymise_after_months is None:
            return Verdict(False, "no_retention_policy")
        if consent.get("retention"):
            if policy.retention_days is None:
                return Verdict(False, "retention_consent")
            if now < last + timedelta(days=policy.retention_days):
                return Verdict(False, "retention_consent")
        elif months_before(now, policy.anonymise_after_months) < last:
            return Verdict(False, "recently_active")
    return Verdict(True, "retention")


class Eraser:
    def __init__(
        self,
        repository: PrivacyRepository,
        resumes: ObjectVersions,
        replies: ObjectVersions | None,
        suppress: Callable[[str, str, str], bool],
        announce: Callable[[str, dict[str, Any]], None],
        jobs: Any,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.repository = repository
        self.resumes = resumes
        self.replies = replies
        self.suppress = suppress
        self.announce = announce
        self.jobs = jobs  # JobRepository
        self.now = now

    def _files(self, held: Holdings) -> tuple[int, int]:
        objects = self.resumes.erase(held.prefixes)
        replies = self.replies.delete_keys(held.replies) if self.replies is not None else 0
        return objects, replies

    def erase(self, candidate_id: str) -> str:
        """Erase the person: suppress their addresses (keyed hash), delete every file
        version and stored reply, every item in every table, the profile last, so a
        retry after a failure finds what is left. The audit record stays."""
        audit = self.repository.audit(candidate_id, "erasure")
        if audit is None:
            return "no_request"
        if audit.status == "done":
            return "already_done"
        self.repository.start(audit)
        held = self.repository.holdings(candidate_id)
        now = clock.iso(self.now())
        suppressed = sum(self.suppress(email, "erased", now) for email in sorted(held.emails))
        objects, replies = self._files(held)
        last = [i for i in held.items if isinstance(i, (CandidateItem, ApplicationItem))]
        self.repository.delete([i for i in held.items if i not in last])
        self.repository.delete([i for i in last if isinstance(i, ApplicationItem)])
        self.repository.delete([i for i in last if isinstance(i, CandidateItem)])
        # What this (the finishing) attempt found; an earlier attempt cut short may
        # have deleted some before it.
        counts = {
            "items": held.counts(),
            "objects": objects,
            "replies": replies,
            "suppressed": suppressed,
        }
        self.repository.finish(audit, counts, self.now())
        self.announce("candidate.erased", {"candidate_id": candidate_id})
        logger.info("erased", extra={"candidate_id": candidate_id, "counts": counts})
        return "erased"

    def anonymise(self, candidate_id: str) -> str:
        """Delete what identifies the person; keep each application's skeleton (job,
        stages, dates, source, outcome code) and stage history, so reports still count
        them, and self-identification answers, which are only ever aggregated."""
        audit, _ = self.repository.open_audit(
            candidate_id, "anonymisation", "retention", "retention", self.now()
        )
        if audit.status == "done":
            return "already_done"
        self.repository.start(audit)
        held = self.repository.holdings(candidate_id)
        objects, replies = self._files(held)
        kept = (ApplicationItem, StageChangeItem, SelfIdentificationItem)
        doomed = [i for i in held.items if not isinstance(i, kept)]
        for application in held.applications:
            if not application.anonymised_at:
                self.repository.strip_application(application, self.now())
        self.repository.delete([i for i in doomed if not isinstance(i, CandidateItem)])
        self.repository.delete([i for i in doomed if isinstance(i, CandidateItem)])
        counts = {
            "items": count_kinds(doomed),
            "objects": objects,
            "replies": replies,
            "kept_applications": len(held.applications),
        }
        self.repository.finish(audit, counts, self.now())
        self.announce("candidate.anonymised", {"candidate_id": candidate_id})
        logger.info("anonymised", extra={"candidate_id": candidate_id})
        return "anonymised"

    # --- retention --------------------------------------------------------------------

    def sweep(self) -> dict[str, int]:
        """Anonymise every person whose retention has run out. Candidates come from each
        job's closed applications inactive past the job's policy (``by_activity``, oldest
        first); anonymised applications leave that index, so nothing is read twice."""
        now = self.now()
        jobs = list(self.jobs.every_job())
        policies = {job.id: job.consent for job in jobs}
        seen: set[str] = set()
        tally = {"examined": 0, "anonymised": 0}
        for job in jobs:
            months = job.consent.anonymise_after_months
            if months is None:
                continue
            cutoff = clock.iso(months_before(now, months))
            for stage in job.pipeline:
                for application in ApplicationItem.by_activity.query(
                    f"JOB#{job.id}#STAGE#{stage.id}",
                    ApplicationItem.gsi3sk < cutoff,
                    filter_condition=ApplicationItem.status.is_in(*CLOSED_STATUSES),
                ):
                    if not isinstance(application, ApplicationItem):
                        continue
                    candidate_id = str(application.candidate_id)
                    if candidate_id in seen:
                        continue
                    seen.add(candidate_id)
                    tally["examined"] += 1
                    held = self.repository.holdings(candidate_id)
                    decision = verdict(held, policies, now)
                    if decision.anonymise:
                        self.anonymise(candidate_id)
                        tally["anonymised"] += 1
        logger.info("retention sweep", extra=tally)
        return tally
