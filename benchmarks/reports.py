"""Report exports: time and peak memory as applications grow from 10,000 to 100,000.

- The streamed pipeline (stage changes -> metrics -> CSV and PDF) over synthetic
  histories of 10,000 and 100,000 applications (four changes each, twelve jobs): its
  time and its peak Python memory (tracemalloc), beside the memory of merely holding
  the same changes in a list (what an export that loads its rows first would need).
  The growth ratio from 10,000 to 100,000 is printed for both.
- One export end to end on moto for 10,000 applications (the report-exports function's
  ``build``: the ``by_period`` index queries, the metrics, both files to S3), beside
  the same index queries alone. (100,000 on moto would measure moto: its index
  queries scan the whole table for every page.)
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from recruiting.models.jobs import Job, JobStatus, Opening
from recruiting.reports.exports import to_csv, to_pdf
from recruiting.reports.metrics import Change, Entry, Hired, Metrics

SIZES = (10_000, int(os.environ.get("BENCH_REPORT_LARGE", "100000")))
START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
STAGES = ("applied", "screen", "interview", "offer", "hired")


def _jobs() -> dict[int, Job]:
    return {
        n: Job(
            id=n,
            title=f"Job {n}",
            status=JobStatus.OPEN,
            department=("Engineering", "Sales", "Design")[n % 3],
            recruiter_id=f"recruiter{n % 4}",
            created_at=START - timedelta(days=30),
            updated_at=START,
            opened_at=START - timedelta(days=20),
            openings=(Opening(opened_at=START - timedelta(days=20)),),
        )
        for n in range(1, 13)
    }


def _changes(count: int) -> Iterator[Change]:
    """``count`` applications over January, each applied, screened, then most rejected
    and some taken through interview and offer to a hire, in time order."""
    step = timedelta(days=28) / count
    hour = timedelta(hours=1)
    for n in range(count):
        app, job = f"{n:032x}", 1 + n % 12
        at = START + step * n
        yield Change(app, app, job, "applied", None, "applied", at, "candidate")
        yield Change(app, app, job, "move", "applied", "screen", at + hour, "r1", since=at)
        if n % 10:
            reason = ("skills", "experience_level", "compensation")[n % 3]
            yield Change(
                app, app, job, "reject", "screen", "screen", at + 2 * hour, "r1", reason, at + hour
            )
        else:
            yield Change(
                app, app, job, "move", "screen", "offer", at + 2 * hour, "r2", since=at + hour
            )
            yield Change(
                app, app, job, "hire", "offer", "hired", at + 3 * hour, "r2", since=at + 2 * hour
            )


def _entries(count: int) -> Iterator[Entry]:
    step = timedelta(days=28) / count
    for n in range(count):
        yield Entry(1 + n % 12, "screen" if n % 10 else "hired", START + step * n)


def _hired(hires: list[Change]) -> dict[str, Hired]:
    return {
        h.application_id: Hired(h.at - timedelta(hours=3), "referral", date(2026, 3, 1))
        for h in hires
    }


def _export(count: int, kind: str = "funnel") -> tuple[float, int, int]:
    """(seconds, peak bytes, CSV bytes) of one streamed export."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    metrics = Metrics(_jobs(), date(2026, 1, 1), date(2026, 1, 31), "UTC", "department", _hired)
    report = metrics.feed(_changes(count), _entries(count)).report(kind)
    csv = to_csv(report, [("window", "January")])
    to_pdf(report, [("window", "January")])
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, len(csv)


def _held(count: int) -> int:
    """Peak bytes of merely holding the changes in a list."""
    gc.collect()
    tracemalloc.start()
    rows = list(_changes(count))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del rows
    return peak


def _populate(count: int) -> None:
    """Applications and their stage changes, as the intake and recruiter APIs write them."""
    from recruiting import clock
    from recruiting.storage.items import ApplicationItem, JobItem, StageChangeItem

    for job in _jobs().values():
        JobItem(
            f"JOB#{job.id}",
            "JOB",
            job_id=job.id,
            status="open",
            body=job.model_dump(mode="json"),
            gsi2pk="JOBS#open",
            gsi2sk=f"{clock.iso(job.updated_at)}#{job.id:012d}",
        ).save()
    entries = {e_index: e for e_index, e in enumerate(_entries(count))}
    with StageChangeItem.batch_write() as batch:
        for n, change in enumerate(_changes(count)):
            at = clock.iso(change.at)
            pk = f"CAND#{change.candidate_id}"
            if change.kind == "applied":
                index = int(change.application_id, 16)
                batch.save(
                    ApplicationItem(
                        pk,
                        f"APP#{change.application_id}",
                        application_id=change.application_id,
                        candidate_id=change.candidate_id,
                        job_id=change.job_id,
                        stage=entries[index].stage,
                        status="active",
                        applied_at=at,
                        last_activity_at=at,
                        channel="native",
                        source="referral",
                        contact={},
                        receipt={},
                        gsi2pk=f"APPLIED#{at[:7]}",
                        gsi2sk=f"{at}#{change.application_id}",
                    )
                )
            batch.save(
                StageChangeItem(
                    pk,
                    f"STAGE#{change.application_id}#{at}#{n}",
                    application_id=change.application_id,
                    job_id=change.job_id,
                    from_stage=change.from_stage,
                    to_stage=change.to_stage,
                    actor=change.actor,
                    at=at,
                    kind=change.kind,
                    reason=change.reason,
                    since=clock.iso(change.since) if change.since else None,
                    gsi2pk=f"STAGE#{at[:7]}",
                    gsi2sk=f"{at}#{change.application_id}",
                )
            )


def _end_to_end(count: int) -> tuple[float, float]:
    import tempfile

    from benchmarks.environment import moto_account
    from recruiting.auth import Principal, Role
    from recruiting.outreach.mail import LocalOutbox
    from recruiting.reports import source
    from recruiting.reports.models import ReportRequest
    from recruiting.reports.runner import ReportRunner
    from recruiting.reports.service import ReportService
    from recruiting.storage.files import ResumeStore
    from recruiting.storage.jobs import JobRepository
    from recruiting.storage.reports import ReportRepository

    with moto_account("benchreports") as env:
        _populate(count)
        store = ResumeStore(env["REPORTS_BUCKET_NAME"])
        queued: list[str] = []
        service = ReportService(
            ReportRepository(),
            ResumeStore(env["REPORTS_BUCKET_NAME"]),
            queued.append,
            lambda user: None,
        )
        request = ReportRequest.model_validate(
            {"report": "funnel", "from": "2026-01-01", "to": "2026-01-31", "group_by": "department"}
        )
        service.request(Principal(user_id="bench", role=Role.RECRUITER), request)
        runner = ReportRunner(
            ReportRepository(),
            JobRepository(),
            store,
            LocalOutbox(Path(tempfile.mkdtemp())),
            sender_email="reports@example.com",
            sender_name="Reports",
            enqueue=queued.append,
        )
        started = time.perf_counter()
        assert runner.build(queued[0]) == "done"
        seconds = time.perf_counter() - started
        jobs = source.matching_jobs(JobRepository(), request.filters)
        started = time.perf_counter()
        for _ in source.changes(request.start, request.end, jobs):
            pass
        for _ in source.entries(request.start, request.end, jobs):
            pass
        reads = time.perf_counter() - started
    return seconds, reads


def run() -> list[tuple[str, str, str, str, str]]:
    rows = []
    seconds, reads = _end_to_end(SIZES[0])
    rows.append(
        (
            f"report export end to end on moto, {SIZES[0]:,} applications",
            f"{seconds:.1f} s",
            f"{reads:.1f} s reads",
            f"{seconds / reads:.2f}",
            "baseline: the same by_period queries alone",
        )
    )
    _export(100)  # imports (fpdf2, Pillow) once, outside the measured runs
    results = {n: _export(n) for n in SIZES}
    held = {n: _held(n) for n in SIZES}
    for n in SIZES:
        seconds, peak, _ = results[n]
        rows.append(
            (
                f"report export (funnel, CSV + PDF), {n:,} applications: time",
                f"{seconds:.2f} s",
                "",
                "",
                "streamed: stage changes in time order",
            )
        )
        rows.append(
            (
                f"report export, {n:,} applications: peak memory",
                f"{peak / 2**20:.1f} MB",
                f"{held[n] / 2**20:.1f} MB held",
                f"{peak / held[n]:.2f}",
                "baseline: the same changes held in a list",
            )
        )
    small, large = SIZES
    rows.append(
        (
            f"peak memory growth, {small:,} -> {large:,} applications",
            f"{results[large][1] / results[small][1]:.2f}x",
            f"{held[large] / held[small]:.2f}x held",
            f"{(results[large][1] / results[small][1]) / (held[large] / held[small]):.2f}",
            "flat: counters, tenth-of-a-day histograms, hires folded in by the hundred",
        )
    )
    return rows


if __name__ == "__main__":
    for row in run():
        print(*row, sep="  |  ")
