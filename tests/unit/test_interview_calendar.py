"""Calendar parts and reminder times: one event per interview, times as each reader
reads them across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from recruiting.interviews import ics
from recruiting.interviews.models import InterviewRequest, RescheduleRequest, instant
from recruiting.reminders.sender import local

STAMP = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _invitation(**overrides) -> ics.Invitation:
    fields = {
        "uid": ics.uid("abc", "acme.example"),
        "sequence": 0,
        "method": "REQUEST",
        "summary": "Interview: Ada, Backend; round 2",
        "starts": datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
        "ends": datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
        "stamp": STAMP,
        "organiser_email": "jobs@acme.example",
        "organiser_name": "Acme Recruiting",
        "attendee_email": "ivy@acme.example",
        "attendee_name": 'Ivy "The" Interviewer',
        "location": "Room 4; 2nd floor",
        "video_url": "https://meet.example/abc",
        "description": "Line one\nLine two",
    }
    fields.update(overrides)
    return ics.Invitation(**fields)


def _event(raw: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_a_request_round_trips_with_its_uid_sequence_and_one_attendee():
    calendar, event = _event(ics.build(_invitation()))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "interview-abc@acme.example"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Interview: Ada, Backend; round 2"  # escaped and back
    assert str(event["LOCATION"]) == "Room 4; 2nd floor"
    assert str(event["DESCRIPTION"]) == "Line one\nLine two"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ATTENDEE"]) == "mailto:ivy@acme.example"
    assert str(event["ORGANIZER"]) == "mailto:jobs@acme.example"


def test_a_cancellation_keeps_the_uid_and_raises_the_sequence():
    _, first = _event(ics.build(_invitation()))
    calendar, cancel = _event(ics.build(_invitation(sequence=2, method="CANCEL")))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancel["UID"]) == str(first["UID"])
    assert int(cancel["SEQUENCE"]) == 2
    assert str(cancel["STATUS"]) == "CANCELLED"


def test_an_injected_line_break_stays_inside_its_property():
    raw = ics.build(_invitation(summary="Hi\r\nATTENDEE:mailto:eve@evil.example"))
    _calendar, event = _event(raw)
    assert [str(a) for a in [event["ATTENDEE"]]] == ["mailto:ivy@acme.example"]
    assert b"\r\nATTENDEE:mailto:eve" not in raw


@pytest.mark.parametrize(
    ("moment", "zone", "reads"),
    [
        # New York springs forward on Sunday 8 March 2026 at 02:00
        (
            datetime(2026, 3, 7, 15, 0, tzinfo=UTC),
            "America/New_York",
            "Saturday 7 March 2026, 10:00 EST",
        ),
        (
            datetime(2026, 3, 8, 14, 0, tzinfo=UTC),
            "America/New_York",
            "Sunday 8 March 2026, 10:00 EDT",
        ),
        # Berlin springs forward on 29 March; it is still CET on 10 March
        (
            datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
            "Europe/Berlin",
            "Tuesday 10 March 2026, 15:00 CET",
        ),
        (
            datetime(2026, 3, 30, 13, 0, tzinfo=UTC),
            "Europe/Berlin",
            "Monday 30 March 2026, 15:00 CEST",
        ),
        (
            datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
            "Asia/Kolkata",
            "Tuesday 10 March 2026, 19:30 IST",
        ),
    ],
)
def test_times_read_in_each_recipients_zone_across_dst(moment, zone, reads):
    assert local(moment, zone) == reads


def test_wall_clock_times_are_read_in_the_interview_zone_across_the_dst_change():
    # 10:00 on the Saturday before the change and 10:00 on its Sunday are 23 hours apart
    before = instant(datetime(2026, 3, 7, 10, 0), "America/New_York")
    after = instant(datetime(2026, 3, 8, 10, 0), "America/New_York")
    assert after - before == timedelta(hours=23)
    # so a reminder 24 hours before the Sunday interview falls at 09:00 EST on Saturday
    assert local(after - timedelta(hours=24), "America/New_York").endswith("09:00 EST")
    # an offset given with the time wins over the zone
    assert instant(datetime.fromisoformat("2026-03-08T10:00:00+01:00"), "America/New_York") == (
        datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": "2026-03-10T09:00:00"}, "end must be after start"),
        ({"end": "2026-03-11T09:00:00"}, "at most 12 hours"),
        ({"location": None, "video_url": None}, "location or a video_url"),
        ({"video_url": "http://meet.example/x"}, "https://"),
        ({"interviewers": []}, "at least 1"),
        ({"kit": ["  "]}, "at least 1 character"),
    ],
)
def test_an_interview_request_names_the_broken_rule(change, message):
    body = {
        "start": "2026-03-10T10:00:00",
        "end": "2026-03-10T11:00:00",
        "time_zone": "America/New_York",
        "location": "Room 4",
        "interviewers": ["ivy"],
        **change,
    }
    with pytest.raises(ValueError, match=message):
        InterviewRequest.model_validate(body)


def test_a_reschedule_needs_something_and_both_times():
    with pytest.raises(ValueError, match="at least one field"):
        RescheduleRequest.model_validate({})
    with pytest.raises(ValueError, match="start and end together"):
        RescheduleRequest.model_validate({"start": "2026-03-10T10:00:00Z"})
