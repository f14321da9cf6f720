"""One reminders sweep on moto over 10,000 scheduled interviews and 10,000 open tasks,
of which 100 are due (50 interview reminders, 50 tasks that fell overdue since the last
sweep): its time and the DynamoDB items and requests it reads, against a scan of the
same two tables (what a sweep without its indexes would have to read).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from pynamodb.connection.base import Connection

from benchmarks.environment import moto_account
from recruiting import clock
from recruiting.reminders.sweep import ReminderSweep
from recruiting.storage.items import InterviewItem, NoticeItem, TaskItem
from recruiting.storage.jobs import JobRepository
from recruiting.storage.schedule import ScheduleRepository, due_index, notice_key

SCHEDULED = int(os.environ.get("BENCH_SCHEDULED", "10000"))
DUE = 100
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


READS = ("Query", "Scan", "GetItem", "BatchGetItem")


class Reads:
    """DynamoDB items and requests read, counted from the responses."""

    def __init__(self) -> None:
        self.items = 0
        self.requests = 0

    def add(self, parsed: dict[str, Any]) -> None:
        self.requests += 1
        self.items += int(parsed.get("ScannedCount", parsed.get("Count", 0)) or 0)
        if "Item" in parsed:
            self.items += 1
        for found in (parsed.get("Responses") or {}).values():
            self.items += len(found)

    def __call__(self, http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        self.add(parsed)


def _count(client: Any, reads: Reads) -> None:
    for operation in READS:
        client.meta.events.register(f"after-call.dynamodb.{operation}", reads)


@contextmanager
def _counting_pynamodb(reads: Reads) -> Iterator[None]:
    """PynamoDB calls DynamoDB through its own botocore session: count at its door."""
    original = Connection._make_api_call

    def counted(self: Connection, operation_name: str, operation_kwargs: Any) -> Any:
        response = original(self, operation_name, operation_kwargs)
        if operation_name in READS:
            reads.add(response)
        return response

    Connection._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]


def _populate(size: int) -> None:
    """10,000 interviews over the next 30 days, each with its pending reminders and
    chaser in the due index (50 of them due now), and 10,000 open tasks due over the
    next 30 days (50 of them fell due in the last five minutes)."""
    with NoticeItem.batch_write() as batch:
        for n in range(size):
            app, iid = f"{n:032x}", f"{n + 1:032x}"
            starts = NOW + timedelta(hours=2 + (n * 720 // size))
            batch.save(
                InterviewItem(
                    f"APP#{app}",
                    f"INTERVIEW#{iid}",
                    interview_id=iid,
                    application_id=app,
                    candidate_id=app,
                    job_id=1,
                    title="Interview",
                    starts_at=clock.iso(starts),
                    ends_at=clock.iso(starts + timedelta(hours=1)),
                    time_zone="UTC",
                    location="Room",
                    interviewers=["ivy"],
                    status="scheduled",
                    sequence=0,
                    organiser="bench",
                    created_at=clock.iso(NOW),
                    updated_at=clock.iso(NOW),
                )
            )
            kinds = [
                ("reminder_1h", starts - timedelta(hours=1)),
                ("chaser", starts + timedelta(days=1)),
            ]
            if n < DUE // 2:  # due a minute ago
                kinds[0] = ("reminder_1h", NOW - timedelta(minutes=1))
            for kind, due in kinds:
                sk = notice_key(iid, kind, "ivy")
                index = due_index(clock.iso(due), sk)
                batch.save(
                    NoticeItem(
                        f"APP#{app}",
                        sk,
                        interview_id=iid,
                        application_id=app,
                        kind=kind,
                        recipient="ivy",
                        sequence=0,
                        due_at=clock.iso(due),
                        status="pending",
                        gsi1pk=index["gsi1pk"],
                        gsi1sk=index["gsi1sk"],
                    )
                )
    with TaskItem.batch_write() as tasks:
        for n in range(size):
            due = (
                NOW - timedelta(minutes=2)
                if n < DUE // 2
                else NOW + timedelta(hours=1 + (n * 720 // size))
            )
            due_at = clock.iso(due)
            tasks.save(
                TaskItem(
                    f"TASK#{n:032x}",
                    "TASK",
                    task_id=f"{n:032x}",
                    title="Task",
                    status="open",
                    assignee_id="ivy",
                    due_at=due_at,
                    origin="manual",
                    created_by="bench",
                    created_at=clock.iso(NOW - timedelta(days=1)),
                    gsi3pk=f"DUE#{due_at[:10]}",
                    gsi3sk=f"{due_at}#{n:032x}",
                )
            )


def run() -> list[tuple[str, str, str, str, str]]:
    """The sweep at a tenth of the data and at all of it (the same 100 due), and the
    growth from one to the other."""
    small = _sweep(SCHEDULED // 10)
    large = _sweep(SCHEDULED)
    rows = [*small[2], *large[2]]
    rows.append(
        (
            f"growth of the reminders sweep from {SCHEDULED // 10:,} to {SCHEDULED:,} "
            "interviews and tasks (items read)",
            f"{large[0] / small[0]:.2f}x",
            f"{large[1] / small[1]:.2f}x scan",
            f"{(large[0] / small[0]) / (large[1] / small[1]):.2f}",
            "flat: the same 100 are due",
        )
    )
    return rows


def _sweep(size: int) -> tuple[int, int, list[tuple[str, str, str, str, str]]]:
    with moto_account(f"benchreminders{size}") as env:
        _populate(size)
        schedule = ScheduleRepository()
        schedule.advance(clock.iso(NOW - timedelta(minutes=5)))  # the last sweep
        queued: list[Any] = []
        sweep = ReminderSweep(schedule, JobRepository(), queued.extend, None, now=lambda: NOW)
        reads = Reads()
        with _counting_pynamodb(reads):
            started = time.perf_counter()
            counts = sweep.run()
            seconds = time.perf_counter() - started
        assert counts["notices"] + counts["tasks"] == DUE, counts
        assert len(queued) == DUE
        scan_reads = Reads()
        client = boto3.client("dynamodb")
        _count(client, scan_reads)
        started = time.perf_counter()
        for key in ("SCHEDULE_TABLE_NAME", "TASKS_TABLE_NAME"):
            paginator = client.get_paginator("scan")
            for _ in paginator.paginate(TableName=env[key]):
                pass
        scan_seconds = time.perf_counter() - started
    return (
        reads.items,
        scan_reads.items,
        [
            (
                f"reminders sweep, {size:,} interviews + {size:,} tasks, {DUE} due: time",
                f"{seconds * 1000:.0f} ms",
                f"{scan_seconds * 1000:.0f} ms scan",
                f"{seconds / scan_seconds:.3f}",
                "reads only what is due",
            ),
            (
                f"reminders sweep over {size:,}: DynamoDB items read (requests)",
                f"{reads.items} ({reads.requests})",
                f"{scan_reads.items} ({scan_reads.requests})",
                f"{reads.items / max(scan_reads.items, 1):.4f}",
                "",
            ),
        ],
    )


if __name__ == "__main__":
    for row in run():
        print(*row, sep="  |  ")
