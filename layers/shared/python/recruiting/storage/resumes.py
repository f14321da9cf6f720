"""Parsed resumes, the parse-once ledger and recruiter imports.

Every uploaded file has a ``PARSE#<key>`` state item. A worker claims the
file with a conditional write (status ``parsing``, attempts + 1) and commits
its result in one transaction together with the ledger's move to a final
status, so a redelivered notification, a second worker or a retry after a
crash can never apply a parse twice. A file whose parse started
``MAX_ATTEMPTS`` times without finishing is given up with a recorded reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.items import (
    ContactPointItem,
    ImportFileItem,
    ImportSummaryItem,
    MembershipItem,
    ParsedResumeItem,
    ParseStateItem,
)

MAX_ATTEMPTS = 3
FINAL = ("parsed", "needs_review", "failed")


class Claim(Enum):
    PROCEED = "proceed"  # this worker parses the file now
    DONE = "done"  # already parsed (a redelivered notification)
    BUSY = "busy"  # another worker holds it
    GIVE_UP = "give_up"  # started MAX_ATTEMPTS times without finishing


@dataclass(frozen=True)
class ImportTarget:
    pool_id: str
    file: str


@dataclass
class ClaimResult:
    claim: Claim
    attempts: int = 0
    state: ParseStateItem | None = None


@dataclass
class Outcome:
    """What a finished parse writes, besides the ledger."""

    status: str  # parsed | needs_review | failed
    candidate_id: str | None = None
    rule: str | None = None
    message: str | None = None
    flags: list[str] = field(default_factory=list)
    created: bool | None = None
    matched_on: str | None = None
    saves: list[Any] = field(default_factory=list)  # (item, condition or None)
    updates: list[tuple[Any, list[Action], Any]] = field(default_factory=list)


class ConcurrentChange(Exception):
    """Another writer changed what this parse depended on; retry the message."""


def _state_key(document_key: str) -> tuple[str, str]:
    return f"PARSE#{document_key}", "STATE"


def _state(key: str, etag: str, status: str, attempts: int, now: str) -> ParseStateItem:
    return ParseStateItem(
        *_state_key(key),
        document_key=key,
        etag=etag,
        status=status,
        attempts=attempts,
        updated_at=now,
    )


class ResumeRecords(ApplicationRepository):
    """The ledger and imports, beside the people and pools they write to."""

    # --- the ledger ------------------------------------------------------------

    def state(self, document_key: str) -> ParseStateItem | None:
        try:
            return ParseStateItem.get(*_state_key(document_key), consistent_read=True)
        except DoesNotExist:
            return None

    def claim(
        self, document_key: str, etag: str, now: str, target: ImportTarget | None
    ) -> ClaimResult:
        state = self.state(document_key)
        same_file = state is not None and state.etag == etag
        if state is not None and same_file:
            if state.status in FINAL:
                return ClaimResult(Claim.DONE, int(state.attempts), state)
            if state.attempts >= MAX_ATTEMPTS:
                return ClaimResult(Claim.GIVE_UP, int(state.attempts), state)
        attempts = int(state.attempts) + 1 if state is not None and same_file else 1
        condition = (
            ParseStateItem.pk.does_not_exist()
            if state is None
            else (ParseStateItem.etag == state.etag)
            & (ParseStateItem.attempts == state.attempts)
            & (ParseStateItem.status == state.status)
        )
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.save(_state(document_key, etag, "parsing", attempts, now), condition=condition)
                if target is not None and attempts == 1:
                    tx.save(self._import_file(target, document_key, "parsing", now))
                    tx.update(
                        ImportSummaryItem(f"IMPORT#{target.pool_id}", "SUMMARY"),
                        actions=[
                            ImportSummaryItem.pool_id.set(target.pool_id),
                            ImportSummaryItem.received.add(1),
                            ImportSummaryItem.updated_at.set(now),
                        ],
                    )
        except TransactWriteError as exc:
            if _conditional(exc):
                return ClaimResult(Claim.BUSY, attempts, state)
            raise
        return ClaimResult(Claim.PROCEED, attempts, state)

    def finish(
        self,
        document_key: str,
        etag: str,
        attempts: int,
        outcome: Outcome,
        now: str,
        target: ImportTarget | None,
    ) -> None:
        """The result and the ledger's final status, together or not at all."""
        try:
            with TransactWrite(connection=self.connection) as tx:
                state = _state(document_key, etag, outcome.status, attempts, now)
                state.candidate_id = outcome.candidate_id
                state.rule = outcome.rule
                state.message = outcome.message
                state.flags = outcome.flags  # type: ignore[assignment]
                tx.save(
                    state,
                    condition=(ParseStateItem.etag == etag)
                    & (ParseStateItem.attempts == attempts)
                    & (ParseStateItem.status == "parsing"),
                )
                for item, condition in outcome.saves:
                    tx.save(item, condition=condition)
                for item, actions, condition in outcome.updates:
                    tx.update(item, actions=actions, condition=condition)
                if target is not None:
                    file_item = self._import_file(target, document_key, outcome.status, now)
                    file_item.candidate_id = outcome.candidate_id
                    file_item.created = outcome.created
                    file_item.matched_on = outcome.matched_on
                    file_item.rule = outcome.rule
                    file_item.message = outcome.message
                    tx.save(file_item)
                    counter = getattr(ImportSummaryItem, outcome.status)
                    tx.update(
                        ImportSummaryItem(f"IMPORT#{target.pool_id}", "SUMMARY"),
                        actions=[counter.add(1), ImportSummaryItem.updated_at.set(now)],
                    )
        except TransactWriteError as exc:
            if _conditional(exc):
                raise ConcurrentChange(str(exc)) from exc
            raise

    def release(self, document_key: str, etag: str, attempts: int) -> None:
        """Give back an attempt that failed for the platform's sake (S3, DynamoDB),
        so only starts that never returned count towards giving a file up."""
        try:
            ParseStateItem(*_state_key(document_key)).update(
                actions=[ParseStateItem.attempts.set(attempts - 1)],
                condition=(ParseStateItem.etag == etag)
                & (ParseStateItem.attempts == attempts)
                & (ParseStateItem.status == "parsing"),
            )
        except Exception:  # best effort: at worst the count stays one higher
            return

    @staticmethod
    def _import_file(target: ImportTarget, key: str, status: str, now: str) -> ImportFileItem:
        return ImportFileItem(
            f"IMPORT#{target.pool_id}",
            f"FILE#{target.file}",
            pool_id=target.pool_id,
            file=target.file,
            document_key=key,
            status=status,
            updated_at=now,
        )

    # --- people ----------------------------------------------------------------

    def by_email(self, email: str) -> str | None:
        person = self.find_by_email(email)
        return person.candidate_id if person else None

    def by_contact_point(self, point: str) -> str | None:
        for item in ContactPointItem.query(point, limit=1):
            return str(item.candidate_id)
        return None

    def pool_exists(self, pool_id: str) -> bool:
        return self.get_pool(pool_id) is not None

    def is_member(self, candidate_id: str, pool_id: str) -> bool:
        try:
            MembershipItem.get(f"CAND#{candidate_id}", f"POOL#{pool_id}")
        except DoesNotExist:
            return False
        return True

    # --- reading imports ---------------------------------------------------------

    def import_summary(self, pool_id: str) -> ImportSummaryItem | None:
        try:
            return ImportSummaryItem.get(f"IMPORT#{pool_id}", "SUMMARY")
        except DoesNotExist:
            return None

    def import_files(
        self, pool_id: str, limit: int, last_key: dict[str, Any] | None
    ) -> tuple[list[ImportFileItem], dict[str, Any] | None]:
        results = ImportFileItem.query(
            f"IMPORT#{pool_id}",
            ImportFileItem.sk.startswith("FILE#"),
            limit=limit,
            last_evaluated_key=last_key,
        )
        files = [f for f in results if isinstance(f, ImportFileItem)]
        return files, results.last_evaluated_key if len(files) == limit else None

    def parsed_resumes(self, candidate_id: str) -> list[ParsedResumeItem]:
        return list(
            ParsedResumeItem.query(
                f"CAND#{candidate_id}", ParsedResumeItem.sk.startswith("RESUME#")
            )
        )


def _conditional(exc: TransactWriteError | PutError) -> bool:
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return exc.cause_response_code in (
        "TransactionCanceledException",
        "ConditionalCheckFailedException",
    ) and (
        not reasons
        or any(
            r is not None and r.code in ("ConditionalCheckFailed", "TransactionConflict")
            for r in reasons
        )
    )
