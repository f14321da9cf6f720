"""The reminders sweep: what has fallen due, read through indexes, handed to queues.

- Interview notices: the schedule table's sparse ``by_due`` index holds only pending
  notices (settling takes them out), so a sweep reads what is due now and nothing else.
- Overdue tasks: the tasks table's ``by_due_day`` index, between the cursor left by the
  last sweep (less a margin for late writes) and now.
- Stale applications: per open job with ``stale_after_days``, each stage's applications
  by last activity (``by_activity``) that crossed the threshold since the last sweep.
- Outreach: the outreach sweep hands due steps and surveys to the outreach queue.

Each due thing becomes one message; sending happens per message (``ReminderSender``), so a
sweep that runs twice, late or concurrently only queues duplicates the ledger drops.
After an outage the sweep looks back at most ``CATCH_UP`` and the sender skips, and
records, reminders that no longer make sense.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, Protocol

from recruiting import clock
from recruiting.storage.items import ApplicationItem, CandidatesTableItem, TaskItem
from recruiting.storage.jobs import JobRepository
from recruiting.storage.schedule import ScheduleRepository

CATCH_UP = timedelta(days=7)
# Writes land in an index a little after they are made, and sweeps overlap.
MARGIN = timedelta(minutes=15)


class Sweeper(Protocol):
    def run(self) -> int: ...


class ReminderSweep:
    def __init__(
        self,
        schedule: ScheduleRepository,
        jobs: JobRepository,
        enqueue: Callable[[list[dict[str, Any]]], None],
        outreach: Sweeper | None = None,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.schedule = schedule
        self.jobs = jobs
        self.enqueue = enqueue
        self.outreach = outreach
        self.now = now

    def run(self) -> dict[str, int]:
        now = self.now()
        until = clock.iso(now)
        cursor = self.schedule.swept_until()
        since = max(clock.parse(cursor) - MARGIN, now - CATCH_UP) if cursor else now - CATCH_UP
        counts = {
            "notices": self._hand(self._notices(now, until)),
            "tasks": self._hand(self._tasks(since, now, until)),
            "stale": self._hand(self._stale(since, now)),
        }
        if self.outreach is not None:
            counts["outreach"] = self.outreach.run()
        self.schedule.advance(until)
        return counts

    def _hand(self, messages: Iterator[dict[str, Any]]) -> int:
        batch: list[dict[str, Any]] = []
        handed = 0
        for message in messages:
            batch.append(message)
            if len(batch) == 10:
                self.enqueue(batch)
                handed += len(batch)
                batch = []
        if batch:
            self.enqueue(batch)
            handed += len(batch)
        return handed

    @staticmethod
    def _days(start: datetime, end: datetime) -> list[str]:
        days, day = [], start.date()
        while day <= end.date():
            days.append(day.isoformat())
            day += timedelta(days=1)
        return days

    def _notices(self, now: datetime, until: str) -> Iterator[dict[str, Any]]:
        for day in self._days(now - CATCH_UP, now):
            for notice in self.schedule.due(day, until):
                yield {"type": "notice", "pk": notice.pk, "sk": notice.sk}

    def _tasks(self, since: datetime, now: datetime, until: str) -> Iterator[dict[str, Any]]:
        low = clock.iso(since)
        for day in self._days(since, now):
            for task in TaskItem.by_due_day.query(
                f"DUE#{day}", TaskItem.gsi3sk.between(low, until + "~")
            ):
                yield {"type": "task_overdue", "task_id": task.task_id, "due_at": task.due_at}

    def _stale(self, since: datetime, now: datetime) -> Iterator[dict[str, Any]]:
        for job in self.jobs.every_job(["open"]):
            if not job.stale_after_days:
                continue
            threshold = timedelta(days=job.stale_after_days)
            low, high = clock.iso(since - threshold), clock.iso(now - threshold)
            for stage in job.pipeline[:-1]:  # the last stage is hired: nothing to nudge
                query = CandidatesTableItem.by_activity.query(
                    f"JOB#{job.id}#STAGE#{stage.id}",
                    CandidatesTableItem.gsi3sk.between(low, high + "~"),
                )
                for item in query:
                    if isinstance(item, ApplicationItem) and item.status == "active":
                        yield {
                            "type": "stale",
                            "candidate_id": item.candidate_id,
                            "application_id": item.application_id,
                            "last_activity_at": item.last_activity_at,
                        }


def body(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))
