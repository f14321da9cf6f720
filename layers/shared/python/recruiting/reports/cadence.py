"""When a subscription runs next, and which dates its report covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from recruiting.reports.models import SubscriptionRequest


def next_run(body: SubscriptionRequest, after: datetime) -> datetime:
    """The first local time the subscription asks for, strictly after ``after`` (UTC)."""
    zone = ZoneInfo(body.time_zone)
    day = after.astimezone(zone).date()
    for _ in range(400):
        if (
            body.cadence == "daily"
            or (body.cadence == "weekly" and day.weekday() == body.weekday)
            or (body.cadence == "monthly" and day.day == body.day)
        ):
            # A local time a DST change skips is read as the hour after it.
            when = datetime.combine(day, time(body.hour), tzinfo=zone).astimezone(UTC)
            if when > after:
                return when
        day += timedelta(days=1)
    raise ValueError("no next run within a year")


def window(body: SubscriptionRequest, run_at: datetime) -> tuple[date, date]:
    """Daily: yesterday; weekly: the seven days to yesterday; monthly: last month."""
    today = run_at.astimezone(ZoneInfo(body.time_zone)).date()
    yesterday = today - timedelta(days=1)
    if body.cadence == "daily":
        return yesterday, yesterday
    if body.cadence == "weekly":
        return today - timedelta(days=7), yesterday
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    return last_month_end.replace(day=1), last_month_end


def run_request(body: SubscriptionRequest, run_at: datetime) -> dict[str, object]:
    """The report request one occurrence of a subscription makes."""
    start, end = window(body, run_at)
    request: dict[str, object] = {
        "report": body.report,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "time_zone": body.time_zone,
        "filters": body.filters.model_dump(mode="json", exclude_none=True),
    }
    if body.group_by:
        request["group_by"] = body.group_by
    return request
