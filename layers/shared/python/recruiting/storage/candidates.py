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
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from recruiting.clock import iso, month
from recruiting.intake.identity import contact_points
from recruiting.storage.items import (
    ApplicationItem,
    ApplyMarkerItem,
    CandidateItem,
    CandidatesTableItem,
    ContactPointItem,
    IdentityItem,
    MembershipItem,
    NoteItem,
    PoolItem,
    SelfIdentificationItem,
    StageChangeItem,
    TaskItem,
)
from recruiting.storage.jobs import decode_cursor, encode_cursor


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
    source_token: str | None = None
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
                        source_token=new.source_token,
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
                        gsi3pk=f"JOB#{new.job_id}#STAGE#{new.first_stage}",
                        gsi3sk=f"{at}#{new.application_id}",
                        version=1,
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
                        kind="applied",
                        gsi2pk=f"STAGE#{month(new.applied_at)}",
                        gsi2sk=f"{at}#{new.application_id}",
                    )
                )
                for point in contact_points(contact.phone_e164, contact.links):
                    tx.save(ContactPointItem(point, pk, candidate_id=new.candidate_id))
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


@dataclass(frozen=True)
class StageMove:
    """One change of an application's stage or status, as the recruiter asked."""

    to_stage: str
    status: str  # active | rejected | withdrawn | hired
    kind: str  # move | reject | withdraw | hire
    actor: str
    at: datetime
    reason: str | None = None
    outcome: dict[str, Any] | None = None
    # Tasks the stage's on-enter automations create, written with the move so
    # they exist exactly once per entry.
    tasks: tuple[TaskItem, ...] = ()


@dataclass(frozen=True)
class ApplicationPage:
    items: list[ApplicationItem]
    cursor: str | None


class ApplicationRepository(CandidateRepository):
    """The recruiter side: a person's partition, a job's applications, stage moves."""

    def partition(self, candidate_id: str) -> list[Any]:
        """Everything stored under the person, in key order (profile view)."""
        return list(CandidatesTableItem.query(f"CAND#{candidate_id}"))

    def list_for_job(
        self,
        job_id: int,
        stage: str | None,
        by_activity: bool,
        limit: int,
        cursor: str | None,
        source: str | None = None,
        status: str | None = None,
        tag: str | None = None,
        min_rating: int | None = None,
    ) -> ApplicationPage:
        # Facets filter within one job's partition of the index (bounded by the job).
        clauses: list[Condition] = []
        if source is not None:
            clauses.append(ApplicationItem.source == source)
        if status is not None:
            clauses.append(ApplicationItem.status == status)
        if tag is not None:
            clauses.append(ApplicationItem.tags.contains(tag))
        if min_rating is not None:
            clauses.append(ApplicationItem.rating >= min_rating)
        condition = None
        for clause in clauses:
            condition = clause if condition is None else condition & clause
        if by_activity:
            if stage is None:
                raise ValueError("sorting by activity needs a stage")
            start = decode_cursor(cursor, partition=("gsi3pk", f"JOB#{job_id}#STAGE#{stage}"))
            results = ApplicationItem.by_activity.query(
                f"JOB#{job_id}#STAGE#{stage}",
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=start,
            )
        else:
            prefix = f"STAGE#{stage}#" if stage else "STAGE#"
            start = decode_cursor(cursor, partition=("gsi1pk", f"JOB#{job_id}"))
            results = ApplicationItem.by_job.query(
                f"JOB#{job_id}",
                ApplicationItem.gsi1sk.startswith(prefix),
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=start,
            )
        items = [item for item in results if isinstance(item, ApplicationItem)]
        next_key = results.last_evaluated_key if len(items) == limit else None
        return ApplicationPage(items, encode_cursor(next_key))

    def record_move(self, application: ApplicationItem, move: StageMove) -> None:
        """Move the application and record the change, if nobody moved it first."""
        at = iso(move.at)
        app_id = application.application_id
        version = int(application.version)
        since = application.stage_since or (application.applied_at if version == 1 else None)
        entered = move.to_stage != application.stage
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.update(
                    ApplicationItem(application.pk, application.sk),
                    actions=[
                        ApplicationItem.stage.set(move.to_stage),
                        ApplicationItem.status.set(move.status),
                        ApplicationItem.last_activity_at.set(at),
                        ApplicationItem.version.set(version + 1),
                        ApplicationItem.gsi1sk.set(
                            f"STAGE#{move.to_stage}#{application.applied_at}#{app_id}"
                        ),
                        ApplicationItem.gsi3pk.set(
                            f"JOB#{int(application.job_id)}#STAGE#{move.to_stage}"
                        ),
                        ApplicationItem.gsi3sk.set(f"{at}#{app_id}"),
                        *([ApplicationItem.stage_since.set(at)] if entered else []),
                        *(
                            [ApplicationItem.outcome.set(move.outcome)]
                            if move.outcome is not None
                            else []
                        ),
                    ],
                    condition=ApplicationItem.version == version,
                )
                tx.save(
                    StageChangeItem(
                        application.pk,
                        f"STAGE#{app_id}#{at}",
                        application_id=app_id,
                        job_id=int(application.job_id),
                        from_stage=application.stage,
                        to_stage=move.to_stage,
                        actor=move.actor,
                        at=at,
                        kind=move.kind,
                        reason=move.reason,
                        since=since,
                        gsi2pk=f"STAGE#{month(move.at)}",
                        gsi2sk=f"{at}#{app_id}",
                    ),
                    condition=StageChangeItem.pk.does_not_exist(),
                )
                for task in move.tasks:
                    tx.save(task, condition=TaskItem.pk.does_not_exist())
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionCanceledException":
                raise WriteConflict(str(exc)) from exc
            raise

    def add_note(self, note: NoteItem, tasks: list[TaskItem]) -> None:
        """The note and a task for each teammate it mentions, together."""
        with TransactWrite(connection=self.connection) as tx:
            tx.save(note, condition=NoteItem.pk.does_not_exist())
            for task in tasks:
                tx.save(task, condition=TaskItem.pk.does_not_exist())

    def annotate(
        self, application: ApplicationItem, tags: list[str] | None, rating: int | None, at: datetime
    ) -> ApplicationItem:
        actions: list[Action] = [ApplicationItem.last_activity_at.set(iso(at))]
        if tags is not None:
            actions.append(ApplicationItem.tags.set(tags))  # type: ignore[arg-type]
        if rating is not None:
            actions.append(ApplicationItem.rating.set(rating))
        application.update(actions=actions, condition=ApplicationItem.pk.exists())
        return application

    # --- talent pools ---------------------------------------------------------

    def create_pool(self, pool: PoolItem) -> None:
        pool.save(condition=PoolItem.pk.does_not_exist())

    def get_pool(self, pool_id: str) -> PoolItem | None:
        try:
            return PoolItem.get(f"POOL#{pool_id}", "POOL")
        except DoesNotExist:
            return None

    def pools(self) -> list[PoolItem]:
        return [p for p in PoolItem.by_period.query("POOLS") if isinstance(p, PoolItem)]

    def members(self, pool_id: str, limit: int, cursor: str | None) -> tuple[list[str], str | None]:
        results = MembershipItem.by_job.query(
            f"POOL#{pool_id}",
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=decode_cursor(cursor, partition=("gsi1pk", f"POOL#{pool_id}")),
        )
        ids = [m.candidate_id for m in results if isinstance(m, MembershipItem)]
        next_key = results.last_evaluated_key if len(ids) == limit else None
        return ids, encode_cursor(next_key)

    def add_member(self, membership: MembershipItem) -> bool:
        """Add a person to a pool; False when they were already in it."""
        try:
            membership.save(condition=MembershipItem.pk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def remove_member(self, pool_id: str, candidate_id: str) -> None:
        MembershipItem(f"CAND#{candidate_id}", f"POOL#{pool_id}").delete()
