"""Run every benchmark, print one table and write the summary report.

The report (``docs/benchmarks.md``, or the path in ``BENCH_SUMMARY``) is Markdown:
one table per benchmark, each figure beside its baseline measured in the same run,
then every growth figure (1x to 10x the data) gathered in one table. Commit it
when the figures change.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    cold_start,
    cost,
    intake,
    outreach,
    packages,
    parser,
    recruiter,
    reminders,
    reports,
    search,
)

Row = tuple[str, str, str, str, str]
SECTIONS: tuple[tuple[str, Callable[[], list[Row]]], ...] = (
    ("Cold start", cold_start.run),
    ("Package size", packages.run),
    ("Application intake", intake.run),
    ("Recruiter API", recruiter.run),
    ("Search", search.run),
    ("Resume parsing", parser.run),
    ("Outreach", outreach.run),
    ("Reminders", reminders.run),
    ("Report exports", reports.run),
    ("Cost of 1,000 applications", cost.run),
)
HEADER = ("figure", "value", "baseline (same run)", "ratio", "target or note")
SUMMARY = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[Row]) -> list[str]:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def markdown(results: list[tuple[str, list[Row], float]], started: datetime) -> str:
    """The summary report: the machine, then a table per benchmark, then growth."""
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {started:%Y-%m-%d %H:%M} UTC: "
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        "every AWS service on moto in-process. Each figure stands beside a baseline measured "
        "in the same run, since these machines are noisy; the ratio is value / baseline. "
        "What each measures and why is in the docstring of its module under `benchmarks/`.",
        "",
    ]
    growth = [row for _, rows, _ in results for row in rows if row[0].startswith("growth of")]
    for title, rows, seconds in results:
        kept = [row for row in rows if not row[0].startswith("growth of")]
        lines += [f"## {title}", "", f"Measured in {seconds:.0f} s.", "", *_table(kept), ""]
    lines += [
        "## Scale: from 1x to 10x the data",
        "",
        "How each figure grows when the data grows tenfold (the sizes are in each row); "
        "the baseline is how the same naive or raw work grows.",
        "",
        *_table(growth),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    started = datetime.now(UTC)
    results = []
    for title, run in SECTIONS:
        began = time.perf_counter()
        rows = run()
        results.append((title, rows, time.perf_counter() - began))
    rows = [row for _, section, _ in results for row in section]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure'.ljust(width)}  {'value':>14}  {'baseline':>14}  {'ratio':>6}  target")
    for name, value, baseline, ratio, target in rows:
        print(f"{name.ljust(width)}  {value:>14}  {baseline:>14}  {ratio:>6}  {target}")
    summary = Path(os.environ.get("BENCH_SUMMARY", SUMMARY))
    summary.write_text(markdown(results, started))
    print(f"\nsummary written to {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
