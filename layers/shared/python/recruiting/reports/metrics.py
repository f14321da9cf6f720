"""Recruiting metrics over the stage history, streamed in time order.

The definitions (docs/reports.md says the same for people):

- **Window.** ``from`` and ``to`` are dates in the report's time zone, both included: an
  event counts when its local date falls in them.
- **Funnel.** The cohort is the applications received in the window. An application
  has reached its stage now (where it is, or where it was rejected, withdrew or was
  hired) and every stage before it in its job's pipeline (skipping a stage counts as
  passing through it). Pass-through from a stage is the share of those reaching it that
  reached the next. Rejected and withdrawn applications count for the stages they
  reached. A re-application (the same person, the same job, after the duplicate window)
  is a new application. **Time in stage** is the median length of the stays in a stage
  that ended in the window (to a tenth of a day), whichever cohort they belong to.
- **Time to hire**: application received to hire (offer accepted), for hires in the
  window, in days. **Time to fill**: the job's opening that the hire filled (the last
  opening before the hire; a closed and reopened job counts from its reopening) to
  the hire. **Time to start**: the hire's local date to the start date.
- **Source of hire**: hires in the window by the application's source.
- **Offer acceptance rate**: offers decided in the window: accepted (hires) over
  accepted plus declined (rejected or withdrawn while in the offer stage, the stage
  before the last).
- **Rejection reasons**: rejections in the window by reason code.
- **Recruiter activity**: stage moves, rejections, withdrawals recorded and hires in
  the window, by the member of staff who made them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from recruiting.models.jobs import Job

KINDS = (
    "funnel",
    "time_to_hire",
    "time_to_fill",
    "time_to_start",
    "source_of_hire",
    "offer_acceptance",
    "rejection_reasons",
    "recruiter_activity",
)
DIMENSIONS = ("recruiter", "hiring_manager", "location", "department", "job_function", "job")
SYSTEM_ACTORS = ("candidate", "system", "automation")


@dataclass(frozen=True)
class Change:
    """One stage change (``kind`` applied | move | reject | withdraw | hire)."""

    application_id: str
    candidate_id: str
    job_id: int
    kind: str
    from_stage: str | None
    to_stage: str
    at: datetime
    actor: str
    reason: str | None = None
    since: datetime | None = None  # when the application entered ``from_stage``


@dataclass(frozen=True)
class Entry:
    """An application as it is now: where the funnel counts it."""

    job_id: int
    stage: str
    applied_at: datetime


@dataclass(frozen=True)
class Hired:
    """What a hire needs from its application."""

    applied_at: datetime
    source: str | None
    start_date: date | None


@dataclass
class Report:
    kind: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    headline: list[tuple[str, str]] = field(default_factory=list)
    chart: list[tuple[str, float]] = field(default_factory=list)  # label, value


def dimension(job: Job, name: str) -> str:
    value = {
        "recruiter": job.recruiter_id,
        "hiring_manager": job.hiring_manager_id,
        "location": job.location,
        "department": job.department,
        "job_function": job.job_function,
        "job": f"{job.title} ({job.id})",
    }[name]
    return value or "(none)"


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86_400


def _histogram_median(bins: Counter[int]) -> str:
    """The median of values kept as counts per tenth of a day (constant memory)."""
    total = sum(bins.values())
    if not total:
        return ""
    ordered = sorted(bins.items())

    def nth(n: int) -> float:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > n:
                return value / 10
        return ordered[-1][0] / 10

    middle = (nth((total - 1) // 2) + nth(total // 2)) / 2
    return f"{middle:.1f}"


def _rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else ""


class Metrics:
    """Feed changes and the cohort's applications, then ask for a report. Memory does
    not grow with the rows: counters per group and stage, tenth-of-a-day histograms, and
    the window's hires (for their applications' facts)."""

    def __init__(
        self,
        jobs: dict[int, Job],
        start: date,
        end: date,
        zone: str,
        group_by: str | None,
        hired: Callable[[list[Change]], dict[str, Hired]],
    ) -> None:
        self.jobs = jobs
        self.start, self.end = start, end
        self.zone = ZoneInfo(zone)
        self.group_by = group_by
        self.hired = hired
        self.received = 0
        self.reached: Counter[tuple[str, str]] = Counter()  # (group, stage now)
        self.order: dict[str, int] = {}
        self.stays: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        self.hires: list[Change] = []  # waiting for their applications' facts (<= 100)
        self.accepted: Counter[str] = Counter()
        self.sources: Counter[tuple[str, str]] = Counter()
        self.durations: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        self.sums: dict[tuple[str, str], float] = defaultdict(float)
        self.declined: Counter[str] = Counter()
        self.reasons: Counter[tuple[str, str]] = Counter()
        self.activity: Counter[tuple[str, str, str]] = Counter()

    def _in_window(self, at: datetime) -> bool:
        return self.start <= at.astimezone(self.zone).date() <= self.end

    def _group(self, job: Job) -> str:
        return dimension(job, self.group_by) if self.group_by else "all"

    def add_application(self, entry: Entry) -> None:
        """One application of the cohort, as it is now (its stage is the furthest it got)."""
        job = self.jobs.get(entry.job_id)
        if job is None or not self._in_window(entry.applied_at):
            return
        stages = [s.id for s in job.pipeline]
        for index, stage in enumerate(stages):
            self.order.setdefault(stage, index)
        if entry.stage not in stages:
            return
        self.received += 1
        self.reached[(self._group(job), entry.stage)] += 1

    def add(self, change: Change) -> None:
        job = self.jobs.get(change.job_id)
        if job is None or not self._in_window(change.at):
            return  # a job outside the filters, or another time
        if change.kind == "applied":
            return
        group = self._group(job)
        stages = [s.id for s in job.pipeline]
        if change.since is not None and change.from_stage:
            tenths = max(0, round(_days(change.since, change.at) * 10))
            self.stays[(group, change.from_stage)][tenths] += 1
        if change.kind == "hire":
            self.hires.append(change)
            if len(self.hires) >= 100:
                self._flush()
        offer = stages[-2] if len(stages) >= 2 else None
        if change.kind in ("reject", "withdraw") and change.from_stage == offer:
            self.declined[group] += 1
        if change.kind == "reject":
            self.reasons[(group, change.reason or "(none)")] += 1
        if change.actor not in SYSTEM_ACTORS:
            self.activity[(group, change.actor, change.kind)] += 1

    def feed(self, changes: Iterable[Change], entries: Iterable[Entry] = ()) -> Metrics:
        for change in changes:
            self.add(change)
        for entry in entries:
            self.add_application(entry)
        return self

    # --- reports ------------------------------------------------------------------------

    def report(self, kind: str) -> Report:
        return {
            "funnel": self.funnel,
            "time_to_hire": lambda: self._durations("time_to_hire"),
            "time_to_fill": lambda: self._durations("time_to_fill"),
            "time_to_start": lambda: self._durations("time_to_start"),
            "source_of_hire": self.source_of_hire,
            "offer_acceptance": self.offer_acceptance,
            "rejection_reasons": self.rejection_reasons,
            "recruiter_activity": self.recruiter_activity,
        }[kind]()

    def funnel(self) -> Report:
        order = self.order
        stages = sorted(order, key=lambda s: (order[s], s))
        groups = {g for g, _ in self.reached}
        # Reached a stage: now at it or at a later one (by the stage's place in the pipeline).
        reached: Counter[tuple[str, str]] = Counter()
        for (group, now), count in self.reached.items():
            for stage in stages:
                if order[stage] <= order[now]:
                    reached[(group, stage)] += count
        rows = []
        for group in sorted(groups):
            for i, stage in enumerate(stages):
                count = reached[(group, stage)]
                following = reached[(group, stages[i + 1])] if i + 1 < len(stages) else None
                rows.append(
                    [
                        group,
                        stage,
                        count,
                        _rate(following, count) if following is not None else "",
                        _histogram_median(self.stays.get((group, stage), Counter())),
                    ]
                )
        total = self.received
        return Report(
            "funnel",
            "Pipeline funnel",
            ["group", "stage", "reached", "pass-through", "median days in stage"],
            rows,
            headline=[("applications received", str(total))],
            chart=[(s, float(sum(reached[(g, s)] for g in groups))) for s in stages],
        )

    def _flush(self) -> None:
        """Fold the waiting hires into counters, a hundred application reads at a time."""
        if not self.hires:
            return
        facts = self.hired(self.hires)
        for hire in self.hires:
            group = self._group(self.jobs[hire.job_id])
            fact = facts.get(hire.application_id)
            self.accepted[group] += 1
            self.sources[(group, (fact.source if fact else None) or "(unknown)")] += 1
            if fact is not None:
                self._duration("time_to_hire", group, _days(fact.applied_at, hire.at))
            opened = self._opening(self.jobs[hire.job_id], hire.at)
            if opened is not None:
                self._duration("time_to_fill", group, _days(opened, hire.at))
            if fact is not None and fact.start_date:
                hired_on = hire.at.astimezone(self.zone).date()
                self._duration("time_to_start", group, float((fact.start_date - hired_on).days))
        self.hires = []

    def _duration(self, kind: str, group: str, days: float) -> None:
        self.durations[(kind, group)][max(0, round(days * 10))] += 1
        self.sums[(kind, group)] += days

    def _durations(self, kind: str) -> Report:
        self._flush()
        titles = {
            "time_to_hire": "Time to hire (application to offer accepted)",
            "time_to_fill": "Time to fill (job opened to offer accepted)",
            "time_to_start": "Time to start (offer accepted to start date)",
        }
        groups = sorted(g for k, g in self.durations if k == kind)
        everything: Counter[int] = Counter()
        rows: list[list[Any]] = []
        for group in groups:
            bins = self.durations[(kind, group)]
            count = sum(bins.values())
            everything.update(bins)
            rows.append(
                [
                    group,
                    count,
                    _histogram_median(bins),
                    f"{self.sums[(kind, group)] / count:.1f}",
                ]
            )
        return Report(
            kind,
            titles[kind],
            ["group", "hires", "median days", "mean days"],
            rows,
            headline=[
                ("hires", str(sum(everything.values()))),
                ("median days", _histogram_median(everything)),
            ],
            chart=[(str(r[0]), float(r[2])) for r in rows if r[2]],
        )

    @staticmethod
    def _opening(job: Job, at: datetime) -> datetime | None:
        before = [o.opened_at for o in job.openings if o.opened_at <= at]
        if before:
            return max(before)
        return job.opened_at if job.opened_at and job.opened_at <= at else None

    def source_of_hire(self) -> Report:
        self._flush()
        counts = self.sources
        total = sum(counts.values())
        rows = [[g, s, n, _rate(n, total)] for (g, s), n in sorted(counts.items())]
        return Report(
            "source_of_hire",
            "Source of hire",
            ["group", "source", "hires", "share"],
            rows,
            headline=[("hires", str(total))],
            chart=[
                (f"{s}" if g == "all" else f"{g}: {s}", float(n)) for (g, s), n in counts.items()
            ],
        )

    def offer_acceptance(self) -> Report:
        self._flush()
        accepted = self.accepted
        groups = sorted(set(accepted) | set(self.declined))
        rows = [
            [g, accepted[g], self.declined[g], _rate(accepted[g], accepted[g] + self.declined[g])]
            for g in groups
        ]
        a, d = sum(accepted.values()), sum(self.declined.values())
        return Report(
            "offer_acceptance",
            "Offer acceptance rate",
            ["group", "accepted", "declined", "acceptance rate"],
            rows,
            headline=[("offers decided", str(a + d)), ("acceptance rate", _rate(a, a + d))],
            chart=[("accepted", float(a)), ("declined", float(d))],
        )

    def rejection_reasons(self) -> Report:
        total = sum(self.reasons.values())
        rows = [[g, r, n, _rate(n, total)] for (g, r), n in sorted(self.reasons.items())]
        by_reason: Counter[str] = Counter()
        for (_, reason), n in self.reasons.items():
            by_reason[reason] += n
        return Report(
            "rejection_reasons",
            "Rejection reasons",
            ["group", "reason", "rejections", "share"],
            rows,
            headline=[("rejections", str(total))],
            chart=[(r, float(n)) for r, n in by_reason.most_common()],
        )

    def recruiter_activity(self) -> Report:
        people: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for (group, actor, kind), n in self.activity.items():
            people[(group, actor)][kind] += n
        rows: list[list[Any]] = [
            [g, a, c["move"], c["reject"], c["withdraw"], c["hire"], sum(c.values())]
            for (g, a), c in sorted(people.items())
        ]
        return Report(
            "recruiter_activity",
            "Recruiter activity",
            ["group", "member of staff", "moves", "rejections", "withdrawals", "hires", "total"],
            rows,
            headline=[("actions", str(sum(self.activity.values())))],
            chart=[(str(r[1]) if r[0] == "all" else f"{r[0]}: {r[1]}", float(r[-1])) for r in rows],
        )
