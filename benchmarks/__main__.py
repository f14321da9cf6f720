"""Run every benchmark and print one table."""

from __future__ import annotations

import sys

from benchmarks import (
    cold_start,
    intake,
    outreach,
    parser,
    recruiter,
    reminders,
    reports,
    search,
)


def main() -> int:
    rows = [
        *cold_start.run(),
        *intake.run(),
        *recruiter.run(),
        *search.run(),
        *parser.run(),
        *outreach.run(),
        *reminders.run(),
        *reports.run(),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure'.ljust(width)}  {'value':>14}  {'baseline':>14}  {'ratio':>6}  target")
    for name, value, baseline, ratio, target in rows:
        print(f"{name.ljust(width)}  {value:>14}  {baseline:>14}  {ratio:>6}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
