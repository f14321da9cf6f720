"""Interviews, their notices (invitations, reminders, chasers), the reminder ledger and
staff contact details (schedule table).

A notice is written ``pending`` with the day it falls due in the sparse ``by_due`` index.
Sending claims it (``pending`` -> ``sending``, conditional on the interview sequence it
was written for), then settles it (``sent``, ``skipped`` or ``unknown``) and takes it
out of the index, so a sweep reads only work that is due and not yet done.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from recruiting.storage import lost_race
from recruiting.storage.items import (
    InterviewItem,
    NoticeItem,
    ReminderLedgerItem,
    ScheduleTableItem,
    StaffItem,
    SweepItem,
)


class Conflict(Exception):
    """A conditional write lost: someone else changed the item first."""


def notice_key(interview_id: str, kind: str, recipient: str) -> str:
    return f"NOTICE#{interview_id}#{kind}#{recipient}"


def due_index(due_at: str, sk: str) -> dict[str, str]:
    return {"gsi1pk": f"DUE#{due_at[:10]}", "gsi1sk": f"{due_at}#{sk}"}


class ScheduleRepository:
    def __init__(self, connection: Connection | None = None) -> None:
        self._connection = connection

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = Connection(region=ScheduleTableItem.Meta.region)
        return self._connection

    # --- staff ------------------------------------------------------------------------

    def staff(self, user_id: str) -> StaffItem | None:
        try:
            return StaffItem.get(f"USER#{user_id}", "PROFILE")
        except DoesNotExist:
            return None

    def save_staff(self, item: StaffItem) -> None:
        item.save()

    def staff_many(self, user_ids: list[str]) -> dict[str, StaffItem]:
        keys = [(f"USER#{u}", "PROFILE") for u in dict.fromkeys(user_ids)]
        found: dict[str, StaffItem] = {}
        for start in range(0, len(keys), 100):
            for item in StaffItem.batch_get(keys[start : start + 100]):
                found[str(item.user_id)] = item
        return found

    # --- interviews -------------------------------------------------------------------

    def interview(self, application_id: str, interview_id: str) -> InterviewItem | None:
        try:
            return InterviewItem.get(f"APP#{application_id}", f"INTERVIEW#{interview_id}")
        except DoesNotExist:
            return None

    def application_items(self, application_id: str) -> list[ScheduleTableItem]:
        """An application's interviews and every notice about them (one query)."""
        return list(ScheduleTableItem.query(f"APP#{application_id}"))

    def interviewing(self, user_id: str, application_ids: list[str]) -> set[str]:
        """The applications among these that ``user_id`` interviews for."""
        found: set[str] = set()
        for application_id in application_ids:
            for item in InterviewItem.query(
                f"APP#{application_id}", InterviewItem.sk.startswith("INTERVIEW#")
            ):
                if user_id in (item.interviewers or []):
                    found.add(application_id)
                    break
        return found

    def write(
        self,
        interview: InterviewItem,
        notices: list[NoticeItem],
        retire: list[tuple[NoticeItem, str]],
        expected_sequence: int | None,
    ) -> None:
        """The interview, its new notices, and the pending notices it no longer needs
        (settled ``skipped`` with a reason), in one transaction: an interview changed by
        someone else since it was read (its sequence moved) fails the whole write."""
        try:
            with TransactWrite(connection=self.connection) as tx:
                if expected_sequence is None:
                    tx.save(interview, condition=InterviewItem.pk.does_not_exist())
                else:
                    tx.save(interview, condition=InterviewItem.sequence == expected_sequence)
                for notice in notices:
                    tx.save(notice)
                for notice, reason in retire:
                    tx.update(
                        notice,
                        actions=[
                            NoticeItem.status.set("skipped"),
                            NoticeItem.reason.set(reason),
                            NoticeItem.settled_at.set(interview.updated_at),
                            NoticeItem.gsi1pk.remove(),
                            NoticeItem.gsi1sk.remove(),
                        ],
                        condition=NoticeItem.status == "pending",
                    )
        except TransactWriteError as exc:
            if lost_race(exc):
                raise Conflict(str(exc)) from exc
            raise

    # --- notices ----------------------------------------------------------------------

    def due(self, day: str, until: str) -> Iterator[NoticeItem]:
        """Notices due that day by ``until`` and not yet settled."""
        query = ScheduleTableItem.by_due.query(
            f"DUE#{day}", ScheduleTableItem.gsi1sk <= until + "~"
        )
        for item in query:
            if isinstance(item, NoticeItem):
                yield item

    def notice(self, pk: str, sk: str) -> NoticeItem | None:
        try:
            item = ScheduleTableItem.get(pk, sk)
        except DoesNotExist:
            return None
        return item if isinstance(item, NoticeItem) else None

    def claim(self, notice: NoticeItem, now: str) -> bool:
        """``pending`` -> ``sending`` for the sequence it was written for; False when
        another worker claimed it first, or it was retired or rewritten."""
        try:
            notice.update(
                actions=[NoticeItem.status.set("sending"), NoticeItem.claimed_at.set(now)],
                condition=(NoticeItem.status == "pending")
                & (NoticeItem.sequence == int(notice.sequence)),
            )
        except UpdateError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def release(self, notice: NoticeItem) -> None:
        """Give a claim back (SES throttled): the next delivery may send it."""
        try:
            notice.update(
                actions=[NoticeItem.status.set("pending")],
                condition=(NoticeItem.status == "sending")
                & (NoticeItem.sequence == int(notice.sequence)),
            )
        except UpdateError as exc:
            if not lost_race(exc):
                raise

    def settle(self, notice: NoticeItem, status: str, now: str, reason: str | None = None) -> None:
        actions: list[Any] = [
            NoticeItem.status.set(status),
            NoticeItem.settled_at.set(now),
            NoticeItem.gsi1pk.remove(),
            NoticeItem.gsi1sk.remove(),
        ]
        if reason:
            actions.append(NoticeItem.reason.set(reason[:200]))
        try:
            notice.update(
                actions=actions,
                # A notice rewritten for a newer sequence meanwhile is not this one.
                condition=NoticeItem.status.is_in("pending", "sending")
                & (NoticeItem.sequence == int(notice.sequence)),
            )
        except UpdateError as exc:
            if not lost_race(exc):
                raise

    # --- reminders about tasks and applications ---------------------------------------

    def ledger(self, pk: str, sk: str) -> ReminderLedgerItem | None:
        try:
            item = ScheduleTableItem.get(pk, sk)
        except DoesNotExist:
            return None
        return item if isinstance(item, ReminderLedgerItem) else None

    def claim_reminder(
        self, pk: str, sk: str, kind: str, recipient: str, now: str
    ) -> ReminderLedgerItem | None:
        """The ledger entry of one reminder, created ``sending``; None when it exists."""
        item = ReminderLedgerItem(
            pk, sk, kind=kind, recipient=recipient, status="sending", claimed_at=now
        )
        try:
            item.save(condition=ReminderLedgerItem.pk.does_not_exist())
        except PutError as exc:
            if lost_race(exc):
                return None
            raise
        return item

    def release_reminder(self, item: ReminderLedgerItem) -> None:
        try:
            item.delete(condition=ReminderLedgerItem.status == "sending")
        except Exception as exc:
            if not lost_race(exc):
                raise

    def settle_reminder(
        self, item: ReminderLedgerItem, status: str, now: str, reason: str | None = None
    ) -> None:
        actions: list[Any] = [
            ReminderLedgerItem.status.set(status),
            ReminderLedgerItem.settled_at.set(now),
        ]
        if reason:
            actions.append(ReminderLedgerItem.reason.set(reason[:200]))
        item.update(actions=actions)

    # --- the sweep's cursor ---------------------------------------------------------------

    def swept_until(self) -> str | None:
        try:
            return str(SweepItem.get("SWEEP", "CURSOR").swept_until)
        except DoesNotExist:
            return None

    def advance(self, until: str) -> None:
        """Move the cursor forward (never back: a late, concurrent sweep may finish last)."""
        try:
            SweepItem("SWEEP", "CURSOR", swept_until=until).save(
                condition=SweepItem.pk.does_not_exist() | (SweepItem.swept_until < until)
            )
        except PutError as exc:
            if not lost_race(exc):
                raise
