"""Reading a report's rows from DynamoDB: streamed through indexes, never scanned.

Stage changes and received applications come month by month from the candidates
table's ``by_period`` index (``STAGE#<yyyy-mm>``, ``APPLIED#<yyyy-mm>``), in time order,
from a day before the window to a day after it (any time zone's dates fall inside);
only jobs that pass the filters are kept, and nothing is held: each row goes into the
metrics' counters as it arrives. Hires are completed with their application (received,
source, start date) by BatchGet.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from recruiting import clock
from recruiting.models.jobs import Job
from recruiting.reports.metrics import Change, Entry, Hired
from recruiting.reports.models import Filters
from recruiting.storage.items import ApplicationItem, CandidatesTableItem, StageChangeItem
from recruiting.storage.jobs import JobRepository


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def matching_jobs(jobs: JobRepository, filters: Filters) -> dict[int, Job]:
    """Every job (draft, open, closed) that passes the filters."""
    return {job.id: job for job in jobs.every_job() if _passes(job, filters)}


def _passes(job: Job, filters: Filters) -> bool:
    checks = (
        (filters.recruiter_id, job.recruiter_id),
        (filters.hiring_manager_id, job.hiring_manager_id),
        (filters.location, job.location),
        (filters.department, job.department),
        (filters.job_function, job.job_function),
    )
    if filters.job_id is not None and job.id != filters.job_id:
        return False
    return all(
        wanted is None or (have or "").casefold() == wanted.casefold() for wanted, have in checks
    )


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    low = datetime.combine(start - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    high = datetime.combine(end + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    return low, high


def _period(prefix: str, start: date, end: date) -> Iterator[CandidatesTableItem]:
    low, high = _bounds(start, end)
    for month in _months(low.date(), high.date()):
        yield from CandidatesTableItem.by_period.query(
            f"{prefix}#{month}",
            CandidatesTableItem.gsi2sk.between(
                low.strftime("%Y-%m-%dT%H"), high.strftime("%Y-%m-%dT%H")
            ),
        )


def entries(start: date, end: date, jobs: dict[int, Job]) -> Iterator[Entry]:
    """Applications of these jobs received around the window, as they are now."""
    for item in _period("APPLIED", start, end):
        if isinstance(item, ApplicationItem) and int(item.job_id) in jobs:
            yield Entry(int(item.job_id), str(item.stage), clock.parse(str(item.applied_at)))


def changes(start: date, end: date, jobs: dict[int, Job]) -> Iterator[Change]:
    """Stage changes of these jobs around the window, in time order."""
    for item in _period("STAGE", start, end):
        if not isinstance(item, StageChangeItem) or int(item.job_id) not in jobs:
            continue
        yield Change(
            application_id=str(item.application_id),
            candidate_id=str(item.pk).removeprefix("CAND#"),
            job_id=int(item.job_id),
            kind=str(item.kind or "move"),
            from_stage=item.from_stage,
            to_stage=str(item.to_stage),
            at=clock.parse(str(item.at)),
            actor=str(item.actor),
            reason=item.reason,
            since=clock.parse(str(item.since)) if item.since else None,
        )


def hired(hires: list[Change]) -> dict[str, Hired]:
    """Received time, source and start date of each hire's application."""
    keys = [(f"CAND#{h.candidate_id}", f"APP#{h.application_id}") for h in hires]
    facts: dict[str, Hired] = {}
    for start in range(0, len(keys), 100):
        for item in ApplicationItem.batch_get(keys[start : start + 100]):
            outcome = item.outcome.as_dict() if item.outcome else {}
            start_date = outcome.get("start_date")
            facts[str(item.application_id)] = Hired(
                applied_at=clock.parse(str(item.applied_at)),
                source=item.source,
                start_date=date.fromisoformat(start_date) if start_date else None,
            )
    return facts
