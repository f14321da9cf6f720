"""Tasks in the tasks table, and how to list them without scanning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from recruiting.clock import iso
from recruiting.storage.items import TaskItem
from recruiting.storage.jobs import decode_cursor, encode_cursor

NO_DUE_DATE = "9999-12-31T23:59:59.999999Z"  # undated tasks sort last


@dataclass
class NewTask:
    task_id: str
    title: str
    assignee_id: str
    created_by: str
    created_at: datetime
    origin: str = "manual"
    notes: str | None = None
    due_at: datetime | None = None
    candidate_id: str | None = None
    job_id: int | None = None
    application_id: str | None = None


def task_item(task: NewTask) -> TaskItem:
    """The item for a new open task, with every index key it needs."""
    due = iso(task.due_at) if task.due_at else None
    subject = f"CAND#{task.candidate_id}" if task.candidate_id else f"JOB#{task.job_id}"
    return TaskItem(
        f"TASK#{task.task_id}",
        "TASK",
        task_id=task.task_id,
        title=task.title,
        notes=task.notes,
        status="open",
        assignee_id=task.assignee_id,
        due_at=due,
        candidate_id=task.candidate_id,
        job_id=task.job_id,
        application_id=task.application_id,
        origin=task.origin,
        created_by=task.created_by,
        created_at=iso(task.created_at),
        version=1,
        gsi1pk=f"USER#{task.assignee_id}#open",
        gsi1sk=f"{due or NO_DUE_DATE}#{task.task_id}",
        gsi2pk=subject,
        gsi2sk=f"{iso(task.created_at)}#{task.task_id}",
        gsi3pk=f"DUE#{due[:10]}" if due else None,
        gsi3sk=f"{due}#{task.task_id}" if due else None,
    )


class TaskRepository:
    def get(self, task_id: str) -> TaskItem | None:
        try:
            return TaskItem.get(f"TASK#{task_id}", "TASK")
        except DoesNotExist:
            return None

    def create(self, task: NewTask) -> TaskItem:
        item = task_item(task)
        item.save(condition=TaskItem.pk.does_not_exist())
        return item

    def for_assignee(
        self, assignee_id: str, status: str, limit: int, cursor: str | None
    ) -> tuple[list[TaskItem], str | None]:
        partition = f"USER#{assignee_id}#{status}"
        results = TaskItem.by_assignee.query(
            partition,
            limit=limit,
            last_evaluated_key=decode_cursor(cursor, partition=("gsi1pk", partition)),
        )
        items = list(results)
        next_key = results.last_evaluated_key if len(items) == limit else None
        return items, encode_cursor(next_key)

    def for_subject(
        self, subject: str, limit: int, cursor: str | None
    ) -> tuple[list[TaskItem], str | None]:
        results = TaskItem.by_subject.query(
            subject,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=decode_cursor(cursor, partition=("gsi2pk", subject)),
        )
        items = list(results)
        next_key = results.last_evaluated_key if len(items) == limit else None
        return items, encode_cursor(next_key)

    def update(self, item: TaskItem, changes: dict[str, object], now: datetime) -> TaskItem:
        """Apply changes conditionally on the version read (no lost updates)."""
        version = int(item.version)
        for name, value in changes.items():
            setattr(item, name, value)
        status = item.status
        due = item.due_at
        item.gsi1pk = f"USER#{item.assignee_id}#{status}"
        item.gsi1sk = f"{due or NO_DUE_DATE}#{item.task_id}"
        item.gsi3pk = f"DUE#{due[:10]}" if due and status == "open" else None
        item.gsi3sk = f"{due}#{item.task_id}" if due and status == "open" else None
        item.completed_at = iso(now) if status == "done" else None
        item.version = version + 1
        item.save(condition=TaskItem.version == version)
        return item
