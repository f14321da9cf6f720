"""Send windows: outreach e-mails arrive during the recipient's working hours.

All instants in and out are aware UTC datetimes; local wall-clock time is only
used inside this module, so callers never deal with DST rules themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The longest stretch next_send_time looks ahead. A week always contains an
# allowed weekday; the second week only matters when DST leaves a one-hour
# window without any existing local time (e.g. 02:00-03:00 on a spring-forward day).
_SEARCH_DAYS = 15


@dataclass(frozen=True)
class SendWindow:
    """Local hours [start_hour, end_hour) on the given weekdays (Monday=0)."""

    start_hour: int = 9
    end_hour: int = 17
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)

    def __post_init__(self) -> None:
        for name in ("start_hour", "end_hour"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{name} must be a whole hour, got {value!r}")
        if not 0 <= self.start_hour < self.end_hour <= 24:
            raise ValueError(
                "the window needs 0 <= start_hour < end_hour <= 24, "
                f"got {self.start_hour}..{self.end_hour}"
            )
        days = tuple(self.weekdays)
        if not days:
            raise ValueError("the window needs at least one weekday")
        if not all(_is_weekday(day) for day in days):
            raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday), got {days!r}")
        # Sorted and unique, so equal windows compare and hash equal.
        object.__setattr__(self, "weekdays", tuple(sorted(set(days))))

    def contains(self, local: datetime) -> bool:
        """Whether a local wall-clock time falls inside the window."""
        return local.weekday() in self.weekdays and self.start_hour <= local.hour < self.end_hour


def _is_weekday(day: object) -> bool:
    return isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6


def _zone(tz: str) -> ZoneInfo:
    """The IANA zone named ``tz``; ValueError for anything else.

    "localtime" is refused: it names the server's zone, never a recipient's.
    """
    if not isinstance(tz, str) or not tz or tz == "localtime":
        raise ValueError(f"unknown time zone {tz!r}")
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ValueError(f"unknown time zone {tz!r}") from error


def resolve_tz(candidate_tz: str | None, default_tz: str) -> str:
    """The candidate's own zone when it is a valid IANA name, else the default.

    The default is checked too: a misconfigured default is a bug to surface,
    not something to fall back from silently.
    """
    if candidate_tz:
        try:
            _zone(candidate_tz)
        except ValueError:
            pass
        else:
            return candidate_tz
    _zone(default_tz)
    return default_tz


def is_inside(moment: datetime, window: SendWindow, tz: str) -> bool:
    """Whether an aware instant falls inside the window in zone ``tz``."""
    return window.contains(_aware(moment).astimezone(_zone(tz)))


def next_send_time(now: datetime, window: SendWindow, tz: str) -> datetime:
    """``now`` if it is inside the window in ``tz``, else the next window start (aware UTC)."""
    where = _zone(tz)
    now = _aware(now).astimezone(UTC)
    local = now.astimezone(where)
    if window.contains(local):
        return now
    for offset in range(_SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in window.weekdays:
            continue
        start = _window_start(day, window, where)
        if start is not None and start > now:
            return start
    raise RuntimeError(f"no send time within {_SEARCH_DAYS} days for {window!r} in {tz}")


def due_after(previous_send: datetime, delay_days: int, window: SendWindow, tz: str) -> datetime:
    """When the next step is due: same local time ``delay_days`` calendar days later, in window.

    Calendar days rather than 24-hour multiples, so a 10:00 send is followed by a
    10:00 send even when a DST change falls in between.
    """
    if delay_days < 0:
        raise ValueError(f"delay_days must not be negative, got {delay_days}")
    where = _zone(tz)
    local = _aware(previous_send).astimezone(where)
    wall = local.replace(tzinfo=None, fold=0) + timedelta(days=delay_days)
    return next_send_time(_from_wall(wall, where), window, tz)


def _aware(moment: datetime) -> datetime:
    """Refuse naive datetimes: their meaning depends on the machine running the code."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {moment!r}")
    return moment


def _window_start(day: date, window: SendWindow, where: ZoneInfo) -> datetime | None:
    """The first instant of the window on ``day``; None when DST leaves it no local time."""
    start = _from_wall(datetime.combine(day, time(window.start_hour)), where)
    local = start.astimezone(where)
    if local.date() != day or not window.contains(local):
        return None
    return start


def _from_wall(wall: datetime, where: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall time.

    Ambiguous times (clocks going back) take the first occurrence (fold=0).
    Times that do not exist (clocks going forward) take the first valid local
    time after them, which is the instant the clocks jumped.
    """
    first = wall.replace(tzinfo=where, fold=0).astimezone(UTC)
    if first.astimezone(where).replace(tzinfo=None) == wall:
        return first
    # In a gap, fold=1 reads the wall time with the offset after the jump (an
    # instant before it) and fold=0 with the offset before (an instant after it);
    # bisect the whole seconds between them for the jump itself.
    low = math.floor(wall.replace(tzinfo=where, fold=1).timestamp())
    high = math.ceil(first.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall_at(middle, where) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _wall_at(timestamp: int, where: ZoneInfo) -> datetime:
    """The naive local wall time at a POSIX timestamp."""
    return datetime.fromtimestamp(timestamp, where).replace(tzinfo=None)
