"""People and their applications in the candidates table.

Everything about one person sits under ``CAND#<id>`` so a profile is one
Query; the identity item ``EMAIL#<address>`` makes an address belong to one
person; ``APPLY#<job>#<person>`` recognises the same person applying to the
same job again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from recruiting.clock import iso, month
from recruiting.storage.items import (
    ApplicationItem,
    ApplyMarkerItem,
    CandidateItem,
    IdentityItem,
    SelfIdentificationItem,
    StageChangeItem,
)


class WriteConflict(Exception):
    """A concurrent writer got there first (identity or duplicate application)."""


@dataclass(frozen=True)
class KnownPerson:
    candidate_id: str
    kind: str


@dataclass(frozen=True)
class PriorApplication:
    application_id: str
    applied_at: str
    receipt: dict[str, Any]


@dataclass
class ContactDetails:
    first_name: str
    last_name: str
    email: str
    phone: str | None
    phone_e164: str | None
    location: str | None
    links: list[str]


@dataclass
class NewApplication:
    """Everything one application writes, atomically."""

    application_id: str
    candidate_id: str
    candidate_is_new: bool
    job_id: int
    first_stage: str
    applied_at: datetime
    window_start: datetime
    channel: str
    board: str | None
    source: str | None
    contact: ContactDetails
    answers: dict[str, Any]
    educations: list[dict[str, Any]]
    employments: list[dict[str, Any]]
    consent: dict[str, Any]
    documents: dict[str, Any]
    receipt: dict[str, Any]
    self_identification: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class CandidateRepository:
    def __init__(self, connection: Connection | None = None) -> None:
        self._connection = connection

    @property
    def connection(self) -> Connection:
        # One connection (one botocore client) per container, not per write:
        # building a client parses the service model, tens of milliseconds.
        if self._connection is None:
            self._connection = Connection(region=CandidateItem.Meta.region)
        return self._connection

    def find_by_email(self, email: str) -> KnownPerson | None:
        try:
            identity = IdentityItem.get(f"EMAIL#{email}", "IDENTITY")
            person = CandidateItem.get(f"CAND#{identity.candidate_id}", "PROFILE")
        except DoesNotExist:
            return None
        return KnownPerson(candidate_id=person.candidate_id, kind=person.kind)

    def find_prior_application(self, job_id: int, candidate_id: str) -> PriorApplication | None:
        try:
            marker = ApplyMarkerItem.get(f"APPLY#{job_id}#{candidate_id}", "APPLY")
        except DoesNotExist:
            return None
        return PriorApplication(marker.application_id, marker.applied_at, marker.receipt.as_dict())

    def get_candidate(self, candidate_id: str) -> CandidateItem | None:
        try:
            return CandidateItem.get(f"CAND#{candidate_id}", "PROFILE")
        except DoesNotExist:
            return None

    def get_application(self, candidate_id: str, application_id: str) -> ApplicationItem | None:
        try:
            return ApplicationItem.get(f"CAND#{candidate_id}", f"APP#{application_id}")
        except DoesNotExist:
            return None

    def stage_history(self, candidate_id: str, application_id: str) -> list[StageChangeItem]:
        return list(
            StageChangeItem.query(
                f"CAND#{candidate_id}", StageChangeItem.sk.startswith(f"STAGE#{application_id}#")
            )
        )

    def record_application(self, new: NewApplication) -> None:
        """Candidate, identity, application, duplicate marker, first stage change
        and self-identification answers in one TransactWriteItems.

        Raises ``WriteConflict`` when another request created the same person
        or the same application first; nothing is written then.
        """
        at = iso(new.applied_at)
        contact = new.contact
        pk = f"CAND#{new.candidate_id}"
        try:
            with TransactWrite(connection=self.connection, return_consumed_capacity="TOTAL") as tx:
                if new.candidate_is_new:
                    tx.save(
                        CandidateItem(
                            pk,
                            "PROFILE",
                            candidate_id=new.candidate_id,
                            kind="applicant",
                            first_name=contact.first_name,
                            last_name=contact.last_name,
                            email=contact.email,
                            phone=contact.phone,
                            phone_e164=contact.phone_e164,
                            location=contact.location,
                            links=contact.links,
                            application_count=1,
                            created_at=at,
                            updated_at=at,
                            became_applicant_at=at,
                        ),
                        condition=CandidateItem.pk.does_not_exist(),
                    )
                    tx.save(
                        IdentityItem(
                            f"EMAIL#{contact.email}", "IDENTITY", candidate_id=new.candidate_id
                        ),
                        condition=IdentityItem.pk.does_not_exist(),
                    )
                else:
                    # A known person (a prospect, or an earlier applicant) keeps
                    # their history; what they type now only fills gaps.
                    actions: list[Action] = [
                        CandidateItem.kind.set("applicant"),
                        CandidateItem.updated_at.set(at),
                        CandidateItem.application_count.add(1),
                        CandidateItem.became_applicant_at.set(
                            CandidateItem.became_applicant_at | at
                        ),
                    ]
                    for attribute, value in (
                        (CandidateItem.phone, contact.phone),
                        (CandidateItem.phone_e164, contact.phone_e164),
                        (CandidateItem.location, contact.location),
                    ):
                        if value:
                            actions.append(attribute.set(attribute | value))
                    tx.update(
                        CandidateItem(pk, "PROFILE"),
                        actions=actions,
                        condition=CandidateItem.pk.exists(),
                    )
                tx.save(
                    ApplicationItem(
                        pk,
                        f"APP#{new.application_id}",
                        application_id=new.application_id,
                        candidate_id=new.candidate_id,
                        job_id=new.job_id,
                        stage=new.first_stage,
                        status="active",
                        applied_at=at,
                        last_activity_at=at,
                        board=new.board,
                        source=new.source,
                        channel=new.channel,
                        contact=contact.__dict__,
                        answers=new.answers,
                        educations=new.educations,
                        employments=new.employments,
                        consent=new.consent,
                        documents=new.documents,
                        receipt=new.receipt,
                        gsi1pk=f"JOB#{new.job_id}",
                        gsi1sk=f"STAGE#{new.first_stage}#{at}#{new.application_id}",
                        gsi2pk=f"APPLIED#{month(new.applied_at)}",
                        gsi2sk=f"{at}#{new.application_id}",
                    ),
                    condition=ApplicationItem.pk.does_not_exist(),
                )
                tx.save(
                    ApplyMarkerItem(
                        f"APPLY#{new.job_id}#{new.candidate_id}",
                        "APPLY",
                        application_id=new.application_id,
                        applied_at=at,
                        receipt=new.receipt,
                    ),
                    condition=(
                        ApplyMarkerItem.pk.does_not_exist()
                        | (ApplyMarkerItem.applied_at < iso(new.window_start))
                    ),
                )
                tx.save(
                    StageChangeItem(
                        pk,
                        f"STAGE#{new.application_id}#{at}",
                        application_id=new.application_id,
                        job_id=new.job_id,
                        from_stage=None,
                        to_stage=new.first_stage,
                        actor="candidate",
                        at=at,
                        gsi2pk=f"STAGE#{month(new.applied_at)}",
                        gsi2sk=f"{at}#{new.application_id}",
                    )
                )
                if new.self_identification:
                    tx.save(
                        SelfIdentificationItem(
                            f"JOB#{new.job_id}",
                            f"APP#{new.application_id}",
                            answers=new.self_identification,
                            recorded_at=at,
                        )
                    )
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionCanceledException" and any(
                reason is not None and reason.code == "ConditionalCheckFailed"
                for reason in exc.cancellation_reasons
            ):
                raise WriteConflict(str(exc)) from exc
            raise
