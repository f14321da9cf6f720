"""Everything held about one person, found by key (never a scan), and its deletion.

The privacy export reads it; erasure deletes it; retention's anonymisation deletes
all but the application skeletons that reports count. The person's partition
(``CAND#<cid>``) holds most of it; the rest sits under keys computed from it:
identity and contact points, apply markers, parse ledgers and import rows of their
files, self-identification answers, tasks about them, their enrolments, sends and
surveys, the schedule of their applications. Files are every version under the
person's prefixes in the resume bucket, and their stored replies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.models import Model

from recruiting.clock import iso
from recruiting.intake.identity import contact_points
from recruiting.storage import lost_race
from recruiting.storage.items import (
    AnswerItem,
    ApplicationItem,
    ApplyMarkerItem,
    CandidateItem,
    CandidatesTableItem,
    ConsentItem,
    ContactPointItem,
    EnrolmentItem,
    IdentityItem,
    ImportFileItem,
    InteractionItem,
    OutreachTableItem,
    ParsedResumeItem,
    ParseStateItem,
    PrivacyAuditItem,
    ScheduleTableItem,
    SelfIdentificationItem,
    SendItem,
    SurveyedItem,
    SurveyItem,
    TaskItem,
)

# The tables a person's items live in, by the base class their items share.
_TABLES: tuple[type[Model], ...] = (
    CandidatesTableItem,
    OutreachTableItem,
    ScheduleTableItem,
    TaskItem,
    SelfIdentificationItem,
)


@dataclass
class Holdings:
    """What the system holds about one person."""

    candidate_id: str
    items: list[Any] = field(default_factory=list)
    # Resume-bucket prefixes and exact keys whose every version belongs to the person.
    prefixes: list[str] = field(default_factory=list)
    # Keys in the replies bucket (received replies), when the stack receives mail.
    replies: list[str] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)

    @property
    def person(self) -> CandidateItem | None:
        return next((i for i in self.items if isinstance(i, CandidateItem)), None)

    @property
    def applications(self) -> list[ApplicationItem]:
        return [i for i in self.items if isinstance(i, ApplicationItem)]

    def counts(self) -> dict[str, int]:
        return count_kinds(self.items)


def kind_of(item: Any) -> str:
    """An item's kind: its discriminator (tasks and self-identification answers, alone
    in their tables, have none)."""
    discriminator = getattr(type(item), "_get_discriminator_attribute", lambda: None)()
    if discriminator is not None:
        return str(discriminator.serialize(type(item)))
    return "task" if isinstance(item, TaskItem) else "self_identification"


def count_kinds(items: Iterable[Any]) -> dict[str, int]:
    return dict(sorted(Counter(kind_of(i) for i in items).items()))


def _get(cls: type[Model], hash_key: str, range_key: str) -> Any | None:
    try:
        return cls.get(hash_key, range_key)
    except DoesNotExist:
        return None


def _present(items: Iterable[Any | None]) -> list[Any]:
    return [i for i in items if i is not None]


def _batch(cls: type[Model], keys: Iterable[tuple[str, str]]) -> list[Any]:
    """The items of ``cls`` that exist under ``keys``, a hundred per BatchGetItem."""
    wanted = list(dict.fromkeys(keys))
    return list(cls.batch_get(wanted)) if wanted else []


def _documents(application: ApplicationItem) -> list[str]:
    documents = application.documents.as_dict() if application.documents else {}
    return [str(d["key"]) for d in documents.values() if isinstance(d, dict) and d.get("key")]


class PrivacyRepository:
    def holdings(self, candidate_id: str) -> Holdings:
        held = Holdings(candidate_id)
        partition = list(CandidatesTableItem.query(f"CAND#{candidate_id}"))
        held.items += partition
        person = held.person
        applications = held.applications
        parsed = [i for i in partition if isinstance(i, ParsedResumeItem)]

        # Who the person is reachable as: the profile and every application's contact.
        phones: set[str | None] = set()
        links: list[str] = []
        if person is not None:
            held.emails.update(e for e in [person.email] if e)
            phones.add(person.phone_e164)
            links += [str(link) for link in person.links or []]
        for application in applications:
            contact = application.contact.as_dict() if application.contact else {}
            if contact.get("email"):
                held.emails.add(str(contact["email"]))
            phones.add(contact.get("phone_e164"))
            links += [str(link) for link in contact.get("links") or []]
        for email in sorted({e.strip().lower() for e in held.emails} | held.emails):
            identity = _get(IdentityItem, f"EMAIL#{email}", "IDENTITY")
            if identity is not None and identity.candidate_id == candidate_id:
                held.items.append(identity)
        points = {p for phone in phones for p in contact_points(phone, [])}
        points.update(contact_points(None, links))
        held.items += _batch(
            ContactPointItem, ((p, f"CAND#{candidate_id}") for p in sorted(points))
        )

        # Keys computed from the applications.
        for application in applications:
            app, job = application.application_id, int(application.job_id)
            held.items += _present(
                [
                    _get(ApplyMarkerItem, f"APPLY#{job}#{candidate_id}", "APPLY"),
                    _get(SelfIdentificationItem, f"JOB#{job}", f"APP#{app}"),
                    _get(SurveyItem, f"SURVEY#{app}", "SURVEY"),
                    _get(AnswerItem, f"ANSWER#{app}", "ANSWER"),
                ]
            )
            held.items += list(ScheduleTableItem.query(f"APP#{app}"))
        held.prefixes += [f"applications/{candidate_id}/", f"parsed/applications/{candidate_id}/"]

        # Files: the parse ledger of each, and the import row of imported ones.
        documents = {d for a in applications for d in _documents(a)}
        documents.update(str(p.document_key) for p in parsed)
        held.items += _batch(ParseStateItem, ((f"PARSE#{d}", "STATE") for d in sorted(documents)))
        for resume in parsed:
            if str(resume.source).startswith("IMPORT#"):
                _, pool, name = str(resume.source).split("#", 2)
                held.items += _present([_get(ImportFileItem, f"IMPORT#{pool}", f"FILE#{name}")])
                held.prefixes += [str(resume.document_key), str(resume.text_key)]

        # Outreach: enrolments, the send ledger of each step, surveys.
        enrolments = [
            e
            for e in EnrolmentItem.by_person.query(f"PERSON#{candidate_id}")
            if isinstance(e, EnrolmentItem)
        ]
        held.items += enrolments
        held.items += _batch(
            SendItem,
            (
                (f"SEND#{enrolment.sequence_id}#{candidate_id}#{step}", "SEND")
                for enrolment in enrolments
                for step in range(int(enrolment.step) + 1)
            ),
        )
        held.items += _present([_get(SurveyedItem, f"SURVEYED#{candidate_id}", "SURVEYED")])

        held.items += list(TaskItem.by_subject.query(f"CAND#{candidate_id}"))
        held.replies += [
            str(i.stored) for i in partition if isinstance(i, InteractionItem) and i.stored
        ]
        return held

    # --- deleting ---------------------------------------------------------------------

    def delete(self, items: Iterable[Any]) -> None:
        """Delete the items, table by table, in batches (retried by PynamoDB)."""
        for base in _TABLES:
            mine = [i for i in items if isinstance(i, base)]
            if not mine:
                continue
            with base.batch_write() as batch:
                for item in mine:
                    batch.delete(item)

    def strip_application(self, application: ApplicationItem, at: datetime) -> None:
        """Keep what reports count (job, stages, dates, source, outcome code); drop what
        the person wrote or sent, and leave the job's pipeline views."""
        outcome = application.outcome.as_dict() if application.outcome else {}
        # The reason code, when and by whom stay; a note in words goes.
        kept = {k: v for k, v in outcome.items() if k in ("reason", "at", "by")}
        application.update(
            actions=[
                ApplicationItem.contact.set({}),
                ApplicationItem.answers.set({}),
                ApplicationItem.educations.set([]),
                ApplicationItem.employments.set([]),
                ApplicationItem.documents.set({}),
                ApplicationItem.receipt.set({}),
                ApplicationItem.tags.set([]),
                ApplicationItem.outcome.set(kept) if kept else ApplicationItem.outcome.remove(),
                ApplicationItem.gsi1pk.remove(),
                ApplicationItem.gsi1sk.remove(),
                ApplicationItem.gsi3pk.remove(),
                ApplicationItem.gsi3sk.remove(),
                ApplicationItem.anonymised_at.set(iso(at)),
            ]
        )

    def person(self, candidate_id: str) -> CandidateItem | None:
        found: CandidateItem | None = _get(CandidateItem, f"CAND#{candidate_id}", "PROFILE")
        return found

    # --- the audit record ------------------------------------------------------------

    def audit(self, candidate_id: str, action: str) -> PrivacyAuditItem | None:
        return _get(PrivacyAuditItem, f"PRIVACY#{candidate_id}", action.upper())

    def open_audit(
        self, candidate_id: str, action: str, requested_by: str, reason: str, at: datetime
    ) -> tuple[PrivacyAuditItem, bool]:
        """The person's audit record for ``action``, created once; True when new."""
        item = PrivacyAuditItem(
            f"PRIVACY#{candidate_id}",
            action.upper(),
            candidate_id=candidate_id,
            action=action,
            status="queued",
            requested_by=requested_by,
            requested_at=iso(at),
            reason=reason,
        )
        try:
            item.save(condition=PrivacyAuditItem.pk.does_not_exist())
        except PutError as exc:
            if not lost_race(exc):
                raise
            existing = self.audit(candidate_id, action)
            assert existing is not None
            return existing, False
        return item, True

    def start(self, audit: PrivacyAuditItem) -> None:
        audit.update(
            actions=[PrivacyAuditItem.status.set("running"), PrivacyAuditItem.attempts.add(1)]
        )

    def finish(self, audit: PrivacyAuditItem, counts: dict[str, Any], at: datetime) -> None:
        try:
            audit.update(
                actions=[
                    PrivacyAuditItem.status.set("done"),
                    PrivacyAuditItem.completed_at.set(iso(at)),
                    PrivacyAuditItem.counts.set(counts),
                ],
                condition=PrivacyAuditItem.status != "done",
            )
        except UpdateError as exc:
            if not lost_race(exc):
                raise

    def consents(self, candidate_id: str) -> Iterator[ConsentItem]:
        return ConsentItem.query(
            f"CAND#{candidate_id}", ConsentItem.sk.startswith("CONSENT#"), scan_index_forward=True
        )


class ObjectVersions:
    """Every version and delete marker of a bucket's objects under a prefix, deleted."""

    def __init__(self, bucket: str, client: Any | None = None) -> None:
        self.bucket = bucket
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("s3")
        return self._client

    def listed(self, prefix: str) -> list[dict[str, str]]:
        found: list[dict[str, str]] = []
        pages = self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        for page in pages:
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                found.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
        return found

    def erase(self, prefixes: Iterable[str]) -> int:
        """Delete every version under each prefix (a prefix without a trailing ``/`` is
        one exact key); returns how many went. A failure raises, so the work is retried
        (deleting is idempotent)."""
        doomed = [
            version
            for prefix in dict.fromkeys(prefixes)
            for version in self.listed(prefix)
            if prefix.endswith("/") or version["Key"] == prefix
        ]
        for start in range(0, len(doomed), 1000):
            response = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": doomed[start : start + 1000], "Quiet": True}
            )
            if response.get("Errors"):
                error = response["Errors"][0]
                raise RuntimeError(f"S3 refused a delete: {error.get('Code')}")
        return len(doomed)

    def delete_keys(self, keys: Iterable[str]) -> int:
        """Delete objects in an unversioned bucket (the replies bucket)."""
        count = 0
        for key in dict.fromkeys(keys):
            self.client.delete_object(Bucket=self.bucket, Key=key)
            count += 1
        return count
