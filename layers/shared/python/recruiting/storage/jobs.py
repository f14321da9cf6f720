"""Jobs, boards and board postings in the jobs table."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from recruiting.clock import iso
from recruiting.errors import FieldError, ValidationFailed
from recruiting.models.jobs import Board, Job, JobStatus
from recruiting.storage.items import BoardItem, CounterItem, JobItem, PostingItem


@dataclass(frozen=True)
class Posting:
    """A job as a board lists it (no read of the job itself needed)."""

    job_id: int
    title: str
    department: str | None
    location: str | None
    employment_type: str | None
    requisition_id: str | None
    updated_at: str


@dataclass(frozen=True)
class PostingFilters:
    department: str | None = None
    location: str | None = None
    employment_type: str | None = None


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(
    cursor: str | None, field: str = "cursor", *, partition: tuple[str, str]
) -> dict[str, Any] | None:
    """Turn a client's cursor back into a DynamoDB key, or say it is broken.

    ``partition`` is the key attribute and value the query reads (``("gsi1pk",
    "BOARD#demo")``, or ``("pk", ...)`` for the table): a cursor is only taken
    when it is a key of that very query (the table's ``pk``/``sk``, and the
    index's own pair). Anything else would reach DynamoDB as an invalid start
    key: a 500 for what a client sent."""
    if not cursor:
        return None
    refused = ValidationFailed([FieldError(field, "cursor", "is not a cursor of this list")])
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=="))
    except (ValueError, binascii.Error) as exc:
        raise refused from exc
    if not isinstance(key, dict) or not all(
        isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values()
    ):
        raise refused
    attribute, value = partition
    expected = {"pk", "sk"}
    if attribute != "pk":
        expected |= {attribute, attribute.removesuffix("pk") + "sk"}
    if set(key) != expected or key[attribute]["S"] != value:
        raise refused
    return key


class JobRepository:
    """Reads and writes jobs; lists a board's open postings through ``by_board``."""

    def __init__(self, connection: Connection | None = None) -> None:
        self._connection = connection

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = Connection(region=JobItem.Meta.region)
        return self._connection

    def get_board(self, token: str) -> Board | None:
        try:
            item = BoardItem.get(f"BOARD#{token}", "BOARD")
        except DoesNotExist:
            return None
        return Board(
            token=item.token,
            name=item.name,
            description_html=item.description_html,
            internal=item.internal,
            api_key_sha256=item.api_key_sha256,
        )

    def save_board(self, board: Board) -> None:
        BoardItem(
            f"BOARD#{board.token}",
            "BOARD",
            token=board.token,
            name=board.name,
            description_html=board.description_html,
            internal=board.internal,
            api_key_sha256=board.api_key_sha256,
        ).save()

    def get_job(self, job_id: int, consistent_read: bool = False) -> Job | None:
        try:
            item = JobItem.get(f"JOB#{job_id}", "JOB", consistent_read=consistent_read)
        except DoesNotExist:
            return None
        return Job.model_validate(item.body)

    def get_job_with_version(self, job_id: int) -> tuple[Job, int] | None:
        try:
            item = JobItem.get(f"JOB#{job_id}", "JOB")
        except DoesNotExist:
            return None
        return Job.model_validate(item.body), int(item.version or 0)

    def list_by_status(
        self, status: str, limit: int, cursor: str | None
    ) -> tuple[list[Job], str | None]:
        """A page of jobs in one status, most recently updated first."""
        results = JobItem.by_status.query(
            f"JOBS#{status}",
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=decode_cursor(cursor, partition=("gsi2pk", f"JOBS#{status}")),
        )
        jobs = [Job.model_validate(item.body) for item in results if isinstance(item, JobItem)]
        next_key = results.last_evaluated_key if len(jobs) == limit else None
        return jobs, encode_cursor(next_key)

    def every_job(self, statuses: Iterable[str] = tuple(JobStatus)) -> Iterator[Job]:
        """Every job in these statuses (all by default), page by page (pattern 6)."""
        for status in statuses:
            cursor: str | None = None
            while True:
                page, cursor = self.list_by_status(str(status), 100, cursor)
                yield from page
                if cursor is None:
                    break

    def get_jobs(self, job_ids: list[int], consistent_read: bool = False) -> dict[int, Job]:
        keys = [(f"JOB#{i}", "JOB") for i in dict.fromkeys(job_ids)]
        items = JobItem.batch_get(keys, consistent_read=consistent_read)
        return {int(item.job_id): Job.model_validate(item.body) for item in items}

    def next_job_id(self) -> int:
        """Numeric ids, as Greenhouse clients expect; an atomic counter hands them out."""
        counter = CounterItem("COUNTER#job", "COUNTER")
        counter.update(actions=[CounterItem.value.add(1)])
        return 4_000_000 + int(counter.value)

    def save_job(
        self, job: Job, version: int | None = None, dropped_boards: tuple[str, ...] = ()
    ) -> None:
        """Write the job and its postings together; only open postings are listed.

        ``version`` is the version read before an edit: the write fails with
        ``JobChanged`` if someone saved the job since (no lost updates).
        """
        stamp = iso(job.updated_at)
        with TransactWrite(connection=self.connection) as tx:
            item = JobItem(
                f"JOB#{job.id}",
                "JOB",
                job_id=job.id,
                status=job.status.value,
                body=job.model_dump(mode="json"),
                gsi2pk=f"JOBS#{job.status.value}",
                gsi2sk=f"{stamp}#{job.id:012d}",
            )
            if version is not None:
                item.version = version
            tx.save(item)
            for board in dropped_boards:
                tx.delete(PostingItem(f"JOB#{job.id}", f"POST#{board}"))
            for board in job.boards:
                listed = job.is_open
                tx.save(
                    PostingItem(
                        f"JOB#{job.id}",
                        f"POST#{board}",
                        job_id=job.id,
                        board=board,
                        title=job.title,
                        department=job.department,
                        location=job.location,
                        employment_type=job.employment_type.value,
                        requisition_id=job.requisition_id,
                        updated_at=stamp,
                        gsi1pk=f"BOARD#{board}" if listed else None,
                        gsi1sk=f"{stamp}#{job.id:012d}" if listed else None,
                    )
                )

    def list_open_postings(
        self,
        board: str,
        filters: PostingFilters,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[Posting], str | None]:
        """One page of a board's open jobs, newest first, filtered by facet."""
        condition = None
        for attribute, wanted in (
            (PostingItem.department, filters.department),
            (PostingItem.location, filters.location),
            (PostingItem.employment_type, filters.employment_type),
        ):
            if wanted is not None:
                clause = attribute == wanted
                condition = clause if condition is None else condition & clause
        results = PostingItem.by_board.query(
            f"BOARD#{board}",
            filter_condition=condition,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=decode_cursor(cursor, partition=("gsi1pk", f"BOARD#{board}")),
        )
        postings = [
            Posting(
                job_id=int(item.job_id),
                title=item.title,
                department=item.department,
                location=item.location,
                employment_type=item.employment_type,
                requisition_id=item.requisition_id,
                updated_at=item.updated_at,
            )
            for item in results
            if isinstance(item, PostingItem)
        ]
        next_key = results.last_evaluated_key if len(postings) == limit else None
        return postings, encode_cursor(next_key)

    def all_open_postings(self, board: str) -> list[Posting]:
        """Every open job of a board, newest first, a page of 100 at a time."""
        postings: list[Posting] = []
        cursor: str | None = None
        while True:
            page, cursor = self.list_open_postings(board, PostingFilters(), 100, cursor)
            postings.extend(page)
            if cursor is None:
                return postings

    def count_open_postings(self, board: str) -> int:
        return PostingItem.by_board.count(f"BOARD#{board}")
