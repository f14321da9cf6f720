"""Send windows: e-mails go out in the recipient's working hours, DST included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recruiting.outreach.windows import (
    SendWindow,
    due_after,
    is_inside,
    next_send_time,
    resolve_tz,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
OFFICE = SendWindow()  # Monday to Friday, 09:00-17:00


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def test_a_time_inside_the_window_is_sent_at_once():
    # Given Wednesday 2026-06-10 11:30 in Berlin (09:30 UTC)
    now = utc(2026, 6, 10, 9, 30)
    # When the next send time is asked for
    when = next_send_time(now, OFFICE, BERLIN)
    # Then it is now
    assert when == now


def test_after_hours_waits_for_the_next_morning():
    # Given Tuesday 2026-06-09 18:15 in New York
    now = utc(2026, 6, 9, 22, 15)
    # When the next send time is asked for
    when = next_send_time(now, OFFICE, NEW_YORK)
    # Then it is Wednesday 09:00 New York time, as UTC
    assert when == utc(2026, 6, 10, 13, 0)
    assert when.tzinfo == UTC
    assert local(when, NEW_YORK).strftime("%a %H:%M") == "Wed 09:00"


def test_before_hours_waits_for_the_same_morning():
    # Given Thursday 06:00 in Berlin
    now = utc(2026, 6, 11, 4, 0)
    # Then the send waits until 09:00 the same day
    assert local(next_send_time(now, OFFICE, BERLIN), BERLIN) == datetime(
        2026, 6, 11, 9, 0, tzinfo=ZoneInfo(BERLIN)
    )


def test_the_end_hour_is_outside_the_window():
    # Given Friday 17:00 sharp in Berlin
    now = utc(2026, 6, 12, 15, 0)
    # Then the send moves to Monday 09:00
    assert local(next_send_time(now, OFFICE, BERLIN), BERLIN).strftime("%a %d %H:%M") == (
        "Mon 15 09:00"
    )


def test_friday_evening_waits_for_monday_morning():
    # Given Friday 2026-06-12 20:00 in Berlin
    now = utc(2026, 6, 12, 18, 0)
    # When the next send time is asked for
    when = next_send_time(now, OFFICE, BERLIN)
    # Then it is Monday 2026-06-15 09:00 Berlin time
    assert when == utc(2026, 6, 15, 7, 0)


@pytest.mark.parametrize("now", [utc(2026, 6, 13, 12, 0), utc(2026, 6, 14, 23, 59)])
def test_a_weekend_waits_for_monday(now):
    # Given Saturday noon or Sunday night (UTC) and a recipient in Berlin
    # When the next send time is asked for
    when = next_send_time(now, OFFICE, BERLIN)
    # Then it is Monday 09:00 Berlin time
    assert when == utc(2026, 6, 15, 7, 0)


def test_weekend_windows_are_honoured_too():
    # Given a window on Saturdays only, 10:00-12:00, and Monday morning in Berlin
    window = SendWindow(10, 12, (5,))
    now = utc(2026, 6, 15, 8, 0)
    # Then the send waits for Saturday 10:00
    assert local(next_send_time(now, window, BERLIN), BERLIN).strftime("%a %d %H:%M") == (
        "Sat 20 10:00"
    )


def test_a_window_start_in_the_spring_forward_gap_moves_to_the_first_valid_time():
    # Given a 02:00 start on Sunday 2026-03-29, when Berlin skips 02:00-03:00
    window = SendWindow(start_hour=2, end_hour=17, weekdays=(6,))
    # When the next send time is asked for the Saturday before
    when = next_send_time(utc(2026, 3, 28, 12, 0), window, BERLIN)
    # Then it is 03:00 summer time, the instant the clocks jumped
    assert when == utc(2026, 3, 29, 1, 0)
    assert local(when, BERLIN).strftime("%H:%M %Z") == "03:00 CEST"


def test_a_window_with_no_local_time_on_the_gap_day_waits_a_week():
    # Given a 02:00-03:00 window on Sundays: on 2026-03-29 those hours do not exist in Berlin
    window = SendWindow(start_hour=2, end_hour=3, weekdays=(6,))
    # When the next send time is asked for the Saturday before
    when = next_send_time(utc(2026, 3, 28, 12, 0), window, BERLIN)
    # Then the send waits for the following Sunday at 02:00
    assert local(when, BERLIN).strftime("%Y-%m-%d %H:%M %Z") == "2026-04-05 02:00 CEST"


def test_new_york_spring_forward_gap():
    # Given a 02:00 start on Sunday 2026-03-08, when New York skips 02:00-03:00
    window = SendWindow(start_hour=2, end_hour=17, weekdays=(6,))
    when = next_send_time(utc(2026, 3, 7, 12, 0), window, NEW_YORK)
    # Then the send is at 03:00 EDT
    assert local(when, NEW_YORK).strftime("%Y-%m-%d %H:%M %Z") == "2026-03-08 03:00 EDT"


def test_an_ambiguous_window_start_on_the_fall_back_day_takes_the_first_occurrence():
    # Given a 02:00 start on Sunday 2026-10-25, when Berlin lives 02:00-03:00 twice
    window = SendWindow(start_hour=2, end_hour=17, weekdays=(6,))
    # When the next send time is asked for the Saturday before
    when = next_send_time(utc(2026, 10, 24, 12, 0), window, BERLIN)
    # Then it is the first 02:00, still summer time
    assert when == utc(2026, 10, 25, 0, 0)
    assert local(when, BERLIN).strftime("%H:%M %Z") == "02:00 CEST"


def test_the_fall_back_day_keeps_the_local_start_hour():
    # Given the office window and Sunday 2026-11-01 evening, New York's fall-back day
    window = SendWindow(weekdays=(0, 6))
    when = next_send_time(utc(2026, 11, 1, 4, 0), window, NEW_YORK)  # Sun 00:00 EDT
    # Then the window opens at 09:00 standard time, five hours behind UTC
    assert when == utc(2026, 11, 1, 14, 0)
    assert local(when, NEW_YORK).strftime("%H:%M %Z") == "09:00 EST"


def test_due_after_keeps_the_local_hour_across_spring_forward():
    # Given a step sent Friday 2026-03-27 10:00 in Berlin (winter time, 09:00 UTC)
    sent = utc(2026, 3, 27, 9, 0)
    # When the next step is due three calendar days later
    due = due_after(sent, 3, OFFICE, BERLIN)
    # Then it is Monday 10:00 Berlin summer time, 08:00 UTC (71 hours, not 72)
    assert due == utc(2026, 3, 30, 8, 0)
    assert local(due, BERLIN).strftime("%a %H:%M %Z") == "Mon 10:00 CEST"


def test_due_after_keeps_the_local_hour_across_fall_back():
    # Given a step sent Friday 2026-10-30 15:45 in New York (summer time)
    sent = utc(2026, 10, 30, 19, 45)
    # When the next step is due three calendar days later
    due = due_after(sent, 3, OFFICE, NEW_YORK)
    # Then it is Monday 15:45 New York standard time (73 hours later)
    assert local(due, NEW_YORK).strftime("%a %H:%M %Z") == "Mon 15:45 EST"
    assert due - sent == timedelta(hours=73)


def test_due_after_pushes_a_weekend_due_date_into_the_window():
    # Given a step sent Thursday 16:00 in Berlin and a two-day delay (Saturday)
    sent = utc(2026, 6, 11, 14, 0)
    # Then the next step waits for Monday 09:00
    assert local(due_after(sent, 2, OFFICE, BERLIN), BERLIN).strftime("%a %d %H:%M") == (
        "Mon 15 09:00"
    )


def test_due_after_a_zero_delay_is_the_next_send_time():
    sent = utc(2026, 6, 10, 9, 30)
    assert due_after(sent, 0, OFFICE, BERLIN) == next_send_time(sent, OFFICE, BERLIN)


def test_due_after_refuses_a_negative_delay():
    with pytest.raises(ValueError, match="negative"):
        due_after(utc(2026, 6, 10, 9, 30), -1, OFFICE, BERLIN)


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "../etc/passwd", "/etc/localtime"])
def test_unknown_time_zones_are_refused(tz):
    with pytest.raises(ValueError, match="unknown time zone"):
        next_send_time(utc(2026, 6, 10, 9, 30), OFFICE, tz)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_send_time(datetime(2026, 6, 10, 9, 30), OFFICE, BERLIN)


def test_resolve_tz_prefers_the_candidates_valid_zone():
    # Given a default of Berlin
    # Then a valid candidate zone wins, and anything else falls back to the default
    assert resolve_tz(NEW_YORK, BERLIN) == NEW_YORK
    assert resolve_tz(None, BERLIN) == BERLIN
    assert resolve_tz("", BERLIN) == BERLIN
    assert resolve_tz("Not/AZone", BERLIN) == BERLIN
    assert resolve_tz("localtime", BERLIN) == BERLIN


def test_resolve_tz_refuses_an_invalid_default():
    with pytest.raises(ValueError, match="unknown time zone"):
        resolve_tz(None, "Not/AZone")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_hour": 17, "end_hour": 9}, "start_hour < end_hour"),
        ({"start_hour": 9, "end_hour": 9}, "start_hour < end_hour"),
        ({"start_hour": -1}, "0 <= start_hour"),
        ({"end_hour": 25}, "end_hour <= 24"),
        ({"weekdays": ()}, "at least one weekday"),
        ({"weekdays": (0, 7)}, "0 \\(Monday\\) to 6"),
        ({"weekdays": (-1,)}, "0 \\(Monday\\) to 6"),
        ({"start_hour": 9.5}, "whole hour"),
    ],
)
def test_invalid_windows_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SendWindow(**kwargs)


def test_weekdays_are_kept_sorted_and_unique():
    assert SendWindow(weekdays=(4, 0, 4)).weekdays == (0, 4)
    assert SendWindow(weekdays=(4, 0)) == SendWindow(weekdays=(0, 4))


ZONES = [BERLIN, NEW_YORK, "UTC", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago"]


@st.composite
def windows(draw: st.DrawFn) -> SendWindow:
    start = draw(st.integers(0, 23))
    end = draw(st.integers(start + 1, 24))
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    return SendWindow(start, end, tuple(days))


@settings(max_examples=300, deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
    ),
    window=windows(),
    tz=st.sampled_from(ZONES),
)
def test_next_send_time_is_soon_and_inside_the_window(now, window, tz):
    # Given any instant, any valid window and a zone with or without DST
    # When the next send time is asked for
    when = next_send_time(now, window, tz)
    # Then it is not in the past, it is inside the window, and it is within 8 days
    # (a one-hour window can vanish in a DST gap, which costs it one more week)
    assert when >= now
    assert is_inside(when, window, tz)
    assert when < now + timedelta(days=8 if window.end_hour - window.start_hour > 1 else 15)
    assert when.utcoffset() == timedelta(0)
