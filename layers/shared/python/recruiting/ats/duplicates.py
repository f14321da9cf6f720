"""Duplicate people: found by shared phone or LinkedIn profile (an e-mail is
already unique), and merged on a recruiter's word.

A merge keeps one profile and moves everything of the other under it
(applications, stage history, notes, scorecards, pool memberships, duplicate
markers, e-mail identity, contact points) in one transaction, leaves an audit
item with ids only, and announces ``candidate.merged``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from recruiting import clock
from recruiting.ats.pipeline import PipelineService
from recruiting.auth import Principal, Role, require
from recruiting.errors import Conflict, FieldError, NotFound, ValidationFailed
from recruiting.intake.identity import contact_points
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.events import EventPublisher
from recruiting.storage.items import (
    ApplicationItem,
    ApplyMarkerItem,
    CandidateItem,
    ContactPointItem,
    IdentityItem,
    MembershipItem,
    MergeItem,
)

# DynamoDB takes at most 100 actions in one transaction.
MAX_ACTIONS = 100


def _moved(item: Model, **changes: Any) -> Model:
    """A copy of an item with some attributes (keys included) changed."""
    clone = type(item).from_raw_data(item.serialize())
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


class DuplicateService:
    def __init__(
        self,
        pipeline: PipelineService,
        applications: ApplicationRepository,
        events: EventPublisher,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.pipeline = pipeline
        self.applications = applications
        self.events = events
        self.now = now

    def _points(self, items: list[Any]) -> list[str]:
        person = next(i for i in items if isinstance(i, CandidateItem))
        links: list[str] = [str(link) for link in person.links or []]
        phones = {person.phone_e164} if person.phone_e164 else set()
        for application in (i for i in items if isinstance(i, ApplicationItem)):
            contact = application.contact.as_dict() if application.contact else {}
            links += contact.get("links") or []
            if contact.get("phone_e164"):
                phones.add(contact["phone_e164"])
        points = set(contact_points(None, links))
        points |= {f"PHONE#{p}" for p in phones}
        return sorted(points)

    def find(self, principal: Principal, candidate_id: str) -> list[dict[str, Any]]:
        """Other people sharing a phone number or LinkedIn profile with this one."""
        require(principal, Role.ADMIN, Role.RECRUITER)
        items = self.applications.partition(candidate_id)
        if not any(isinstance(i, CandidateItem) for i in items):
            raise NotFound(f"no candidate {candidate_id}")
        matches: dict[str, list[str]] = {}
        for point in self._points(items):
            for hit in ContactPointItem.query(point):
                if hit.candidate_id != candidate_id:
                    matches.setdefault(hit.candidate_id, []).append(point.split("#", 1)[0].lower())
        people = {
            p.candidate_id: p
            for p in CandidateItem.batch_get([(f"CAND#{c}", "PROFILE") for c in matches])
        }
        return [
            {
                "candidate_id": cid,
                "first_name": people[cid].first_name,
                "last_name": people[cid].last_name,
                "matched_on": sorted(set(on)),
            }
            for cid, on in sorted(matches.items())
            if cid in people
        ]

    def merge(self, principal: Principal, keep_id: str, duplicate_id: str) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        if keep_id == duplicate_id:
            raise ValidationFailed(
                [FieldError("duplicate_id", "same_person", "a candidate cannot merge with itself")]
            )
        keep_items = self.applications.partition(keep_id)
        dup_items = self.applications.partition(duplicate_id)
        keep = next((i for i in keep_items if isinstance(i, CandidateItem)), None)
        dup = next((i for i in dup_items if isinstance(i, CandidateItem)), None)
        if keep is None:
            raise NotFound(f"no candidate {keep_id}")
        if dup is None:
            raise NotFound(f"no candidate {duplicate_id}")
        now = clock.iso(self.now())
        keep_pk = f"CAND#{keep_id}"
        kept_jobs = {int(i.job_id) for i in keep_items if isinstance(i, ApplicationItem)}
        puts: list[Any] = []
        deletes: list[Any] = []
        moved = 0
        for item in dup_items:
            if isinstance(item, CandidateItem):
                continue
            changes: dict[str, Any] = {"pk": keep_pk}
            if isinstance(item, ApplicationItem | MembershipItem):
                changes["candidate_id"] = keep_id
            if isinstance(item, MembershipItem):
                if any(isinstance(k, MembershipItem) and k.sk == item.sk for k in keep_items):
                    deletes.append(item)  # already in that pool
                    continue
                changes["gsi1sk"] = f"{item.added_at}#{keep_id}"
            puts.append(_moved(item, **changes))
            deletes.append(item)
            moved += 1
            if isinstance(item, ApplicationItem):
                job_id = int(item.job_id)
                marker = ApplyMarkerItem(f"APPLY#{job_id}#{duplicate_id}", "APPLY")
                deletes.append(marker)
                if job_id not in kept_jobs:
                    old = self.applications.find_prior_application(job_id, duplicate_id)
                    if old is not None:
                        puts.append(
                            ApplyMarkerItem(
                                f"APPLY#{job_id}#{keep_id}",
                                "APPLY",
                                application_id=old.application_id,
                                applied_at=old.applied_at,
                                receipt={**old.receipt, "candidate_id": keep_id},
                            )
                        )
        for point in self._points(dup_items):
            deletes.append(ContactPointItem(point, f"CAND#{duplicate_id}"))
            puts.append(ContactPointItem(point, keep_pk, candidate_id=keep_id))
        if dup.email:
            puts.append(IdentityItem(f"EMAIL#{dup.email}", "IDENTITY", candidate_id=keep_id))
        puts.append(
            MergeItem(
                keep_pk,
                f"MERGE#{now}#{duplicate_id}",
                merged_from=duplicate_id,
                actor=principal.user_id,
                at=now,
                moved=moved,
            )
        )
        deletes.append(dup)
        if len(puts) + len(deletes) + 1 > MAX_ACTIONS:
            raise Conflict(
                f"this merge needs {len(puts) + len(deletes) + 1} writes, over DynamoDB's "
                f"{MAX_ACTIONS} per transaction; merge fewer records at once"
            )
        put_keys = {(p.pk, p.sk) for p in puts}
        gaps = [
            (CandidateItem.phone, dup.phone),
            (CandidateItem.phone_e164, dup.phone_e164),
            (CandidateItem.location, dup.location),
        ]
        try:
            with TransactWrite(connection=self.applications.connection) as tx:
                tx.update(
                    CandidateItem(keep_pk, "PROFILE"),
                    actions=[
                        CandidateItem.application_count.add(int(dup.application_count or 0)),
                        CandidateItem.updated_at.set(now),
                        *[a.set(a | v) for a, v in gaps if v],
                    ],
                    condition=CandidateItem.pk.exists(),
                )
                for item in deletes:
                    if (item.pk, item.sk) not in put_keys:
                        tx.delete(item)
                for item in puts:
                    tx.save(item)
        except TransactWriteError as exc:
            raise Conflict("the candidates changed while merging; reload and try again") from exc
        self.events.announce(
            "candidate.merged",
            {
                "kept": keep_id,
                "merged": duplicate_id,
                "moved": moved,
                "actor": principal.user_id,
                "at": now,
            },
        )
        return {"candidate_id": keep_id, "merged": duplicate_id, "moved": moved}
