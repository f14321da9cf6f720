"""Sequences, enrolments, the send ledger, suppressions and daily counts (outreach table)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from recruiting.storage import lost_race
from recruiting.storage.items import (
    AnswerItem,
    EnrolmentItem,
    OutreachTableItem,
    SendCountItem,
    SendItem,
    SequenceItem,
    SuppressionItem,
    SurveyedItem,
    SurveyItem,
)


def address_key(email: str) -> str:
    """The suppression key of an address: an HMAC-SHA256 under a key derived from the
    link-signing secret, so the list holds no addresses and, without the key, cannot be
    tested against a guessed one. (Rotating that secret would orphan the list.)"""
    from recruiting.secrets import link_signing_key

    key = hmac.new(link_signing_key().encode(), b"suppression-list", hashlib.sha256).digest()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def legacy_address_key(email: str) -> str:
    """The unkeyed SHA-256 the list used before the keyed hash; still honoured."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def due_keys(due_at: str, sequence_id: str, candidate_id: str) -> dict[str, str]:
    return {"gsi1pk": f"DUE#{due_at[:10]}", "gsi1sk": f"{due_at}#{sequence_id}#{candidate_id}"}


class Conflict(Exception):
    """A conditional write lost: someone else changed the item first."""


class OutreachRepository:
    def __init__(self, connection: Connection | None = None) -> None:
        self._connection = connection

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = Connection(region=SequenceItem.Meta.region)
        return self._connection

    # --- sequences ---------------------------------------------------------------

    def save_sequence(self, item: SequenceItem) -> None:
        item.save(condition=SequenceItem.pk.does_not_exist())

    def sequence(self, sequence_id: str) -> SequenceItem | None:
        try:
            return SequenceItem.get(f"SEQ#{sequence_id}", "SEQ")
        except DoesNotExist:
            return None

    def sequences(self) -> list[SequenceItem]:
        return [
            s
            for s in SequenceItem.by_due.query("SEQUENCES", scan_index_forward=False)
            if isinstance(s, SequenceItem)
        ]

    # --- enrolments ----------------------------------------------------------------

    def enrolments(self, sequence_id: str) -> list[EnrolmentItem]:
        return list(
            EnrolmentItem.query(f"SEQ#{sequence_id}", EnrolmentItem.sk.startswith("ENROL#"))
        )

    def enrolled(self, sequence_id: str, candidate_ids: list[str]) -> set[str]:
        keys = [(f"SEQ#{sequence_id}", f"ENROL#{cid}") for cid in candidate_ids]
        return {str(e.candidate_id) for e in EnrolmentItem.batch_get(keys)}

    def add_enrolments(self, items: list[EnrolmentItem]) -> None:
        with EnrolmentItem.batch_write() as batch:
            for item in items:
                batch.save(item)

    def enrolment(self, sequence_id: str, candidate_id: str) -> EnrolmentItem | None:
        try:
            return EnrolmentItem.get(
                f"SEQ#{sequence_id}", f"ENROL#{candidate_id}", consistent_read=True
            )
        except DoesNotExist:
            return None

    def person_enrolments(self, candidate_id: str) -> list[EnrolmentItem]:
        return [
            e
            for e in EnrolmentItem.by_person.query(f"PERSON#{candidate_id}")
            if isinstance(e, EnrolmentItem)
        ]

    def due(self, day: str, until: str) -> Iterator[EnrolmentItem | SurveyItem]:
        """Outreach steps and surveys due that day by ``until``."""
        query = OutreachTableItem.by_due.query(
            f"DUE#{day}", OutreachTableItem.gsi1sk <= until + "~"
        )
        for item in query:
            if isinstance(item, EnrolmentItem | SurveyItem):
                yield item

    # --- surveys ----------------------------------------------------------------------

    def schedule_survey(self, item: SurveyItem) -> bool:
        try:
            item.save(condition=SurveyItem.pk.does_not_exist())
        except PutError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def survey(self, application_id: str) -> SurveyItem | None:
        try:
            return SurveyItem.get(f"SURVEY#{application_id}", "SURVEY", consistent_read=True)
        except DoesNotExist:
            return None

    def move_survey(
        self, survey: SurveyItem, from_status: str, to_status: str, now: str, **extra: Any
    ) -> bool:
        """Move a survey between statuses; False when it was not in ``from_status``."""
        actions: list[Any] = [SurveyItem.status.set(to_status), SurveyItem.updated_at.set(now)]
        if to_status != "scheduled":
            actions += [SurveyItem.gsi1pk.remove(), SurveyItem.gsi1sk.remove()]
        for name, value in extra.items():
            actions.append(getattr(SurveyItem, name).set(value))
        try:
            survey.update(actions=actions, condition=SurveyItem.status == from_status)
        except UpdateError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def mark_surveyed(self, candidate_id: str, now: str, not_since: str) -> bool:
        """Record a survey for the person unless one was sent after ``not_since``."""
        try:
            SurveyedItem(f"SURVEYED#{candidate_id}", "SURVEYED").update(
                actions=[SurveyedItem.last_sent_at.set(now)],
                condition=SurveyedItem.last_sent_at.does_not_exist()
                | (SurveyedItem.last_sent_at < not_since),
            )
        except UpdateError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def record_answer(self, answer: AnswerItem) -> bool:
        try:
            answer.save(condition=AnswerItem.pk.does_not_exist())
        except PutError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def answers(self, *, job_id: int | None, department: str | None) -> list[AnswerItem]:
        if job_id is not None:
            found = AnswerItem.by_person.query(f"SURVEYJOB#{job_id}")
        else:
            found = AnswerItem.by_due.query(f"SURVEYDEPT#{department}")
        return [a for a in found if isinstance(a, AnswerItem)]

    def reschedule(self, enrolment: EnrolmentItem, due_at: str, now: str) -> None:
        keys = due_keys(due_at, str(enrolment.sequence_id), str(enrolment.candidate_id))
        try:
            enrolment.update(
                actions=[
                    EnrolmentItem.due_at.set(due_at),
                    EnrolmentItem.gsi1pk.set(keys["gsi1pk"]),
                    EnrolmentItem.gsi1sk.set(keys["gsi1sk"]),
                    EnrolmentItem.updated_at.set(now),
                ],
                condition=(EnrolmentItem.status == "active")
                & (EnrolmentItem.step == enrolment.step),
            )
        except UpdateError as exc:
            if not lost_race(exc):
                raise

    def stop(self, enrolment: EnrolmentItem, reason: str, now: str) -> bool:
        """Stop an active enrolment; False when it was no longer active."""
        try:
            enrolment.update(
                actions=[
                    EnrolmentItem.status.set("stopped"),
                    EnrolmentItem.stop_reason.set(reason),
                    EnrolmentItem.updated_at.set(now),
                    EnrolmentItem.gsi1pk.remove(),
                    EnrolmentItem.gsi1sk.remove(),
                ],
                condition=EnrolmentItem.status == "active",
            )
        except UpdateError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    # --- suppression and caps --------------------------------------------------------

    def suppressed(self, email: str) -> SuppressionItem | None:
        """The address's suppression (keyed hash, or the older unkeyed one), in one read."""
        keys = [(f"SUPPRESS#{k(email)}", "SUPPRESS") for k in (address_key, legacy_address_key)]
        found = list(SuppressionItem.batch_get(keys))
        return found[0] if found else None

    def suppress(self, email: str, reason: str, now: str) -> bool:
        """Add an address to the suppression list once; False when it was there."""
        try:
            SuppressionItem(
                f"SUPPRESS#{address_key(email)}", "SUPPRESS", reason=reason, at=now
            ).save(condition=SuppressionItem.pk.does_not_exist())
        except PutError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def count_send(self, sender: str, day: str, cap: int) -> bool:
        """Count one send against the sender's daily cap; False when the cap is reached."""
        try:
            SendCountItem(f"COUNT#{sender}#{day}", "COUNT").update(
                actions=[SendCountItem.sent.add(1)],
                condition=SendCountItem.sent.does_not_exist() | (SendCountItem.sent < cap),
            )
        except UpdateError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    # --- the ledger ------------------------------------------------------------------------

    def ledger(self, sequence_id: str, candidate_id: str, step: int) -> SendItem | None:
        try:
            return SendItem.get(
                f"SEND#{sequence_id}#{candidate_id}#{step}", "SEND", consistent_read=True
            )
        except DoesNotExist:
            return None

    def claim(self, sequence_id: str, candidate_id: str, step: int, now: str) -> SendItem | None:
        """Claim a step before SES is called; None when it was claimed before."""
        send = SendItem(
            f"SEND#{sequence_id}#{candidate_id}#{step}",
            "SEND",
            sequence_id=sequence_id,
            candidate_id=candidate_id,
            step=step,
            status="sending",
            claimed_at=now,
            updated_at=now,
        )
        try:
            send.save(condition=SendItem.pk.does_not_exist())
        except PutError as exc:
            if lost_race(exc):
                return None
            raise
        return send

    def release(self, send: SendItem) -> None:
        """Give a claim back after SES refused to try (throttled): it may be sent later."""
        try:
            send.delete(condition=SendItem.status == "sending")
        except Exception as exc:
            if not lost_race(exc):
                raise

    def settle(
        self, send: SendItem, status: str, updates: list[Any], now: str, **fields: Any
    ) -> None:
        """The ledger's outcome and what follows from it (the enrolment, the timeline),
        in one transaction, conditional on the claim still being ``sending``."""
        actions: list[Any] = [SendItem.status.set(status), SendItem.updated_at.set(now)]
        for name, value in fields.items():
            if value is not None:
                actions.append(getattr(SendItem, name).set(value))
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.update(send, actions=actions, condition=SendItem.status == "sending")
                for kind, item, extra, condition in updates:
                    if kind == "save":
                        tx.save(item, condition=condition)
                    else:
                        tx.update(item, actions=extra, condition=condition)
        except TransactWriteError as exc:
            if lost_race(exc):
                raise Conflict(str(exc)) from exc
            raise
