"""What a recruiter sends to schedule, move or cancel an interview, and staff contacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

MAX_LENGTH = timedelta(hours=12)


def _zone(value: str) -> str:
    from recruiting.outreach.windows import resolve_tz

    try:
        return resolve_tz(None, value)
    except ValueError:
        raise ValueError(f"unknown time zone {value!r} (an IANA name like Europe/Berlin)") from None


def _https(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or any(c in value for c in ' <>"\r\n\t'):
        raise ValueError("must be an https:// link")
    return value


def _email(value: str) -> str:
    from recruiting.outreach.mail import check_address

    check_address("email", value)
    return value


def _one_line(value: str) -> str:
    """The title is the invitations' subject: one line, no control characters."""
    from recruiting.outreach.mail import check_header

    try:
        check_header("title", value)
    except ValueError:
        raise ValueError("title: one line, without line breaks or control characters") from None
    return value


Zone = Annotated[str, Field(max_length=64), AfterValidator(_zone)]
Title = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
HttpsUrl = Annotated[str, Field(max_length=2000), AfterValidator(_https)]
UserId = Annotated[str, Field(pattern=r"^[A-Za-z0-9@._+-]{1,128}$")]
Attribute = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _distinct(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise ValueError("an interviewer is listed twice")
    return value


Interviewers = Annotated[
    list[UserId], Field(min_length=1, max_length=10), AfterValidator(_distinct)
]


def instant(value: datetime, zone: str) -> datetime:
    """A time with an offset as it is; a wall-clock time as it reads in ``zone``."""
    aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))
    return aware.astimezone(UTC)


class InterviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    title: Title = "Interview"
    # With an offset, or wall-clock times in ``time_zone``.
    start: datetime
    end: datetime
    time_zone: Zone
    location: str | None = Field(default=None, min_length=1, max_length=500)
    video_url: HttpsUrl | None = None
    interviewers: Interviewers
    kit: list[Attribute] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _when_and_where(self) -> InterviewRequest:
        check_times(instant(self.start, self.time_zone), instant(self.end, self.time_zone))
        if self.location is None and self.video_url is None:
            raise ValueError("give a location or a video_url")
        return self


def check_times(start: datetime, end: datetime) -> None:
    if end <= start:
        raise ValueError("end must be after start")
    if end - start > MAX_LENGTH:
        raise ValueError("an interview lasts at most 12 hours")


class RescheduleRequest(BaseModel):
    """Only the fields given change; the rest stay as they are."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    title: Title | None = None
    start: datetime | None = None
    end: datetime | None = None
    time_zone: Zone | None = None
    location: str | None = Field(default=None, min_length=1, max_length=500)
    video_url: HttpsUrl | None = None
    interviewers: Interviewers | None = None
    kit: list[Attribute] | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _something(self) -> RescheduleRequest:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        if (self.start is None) != (self.end is None):
            raise ValueError("give start and end together")
        return self


class StaffProfileRequest(BaseModel):
    """Where reminders reach a member of staff, and the time zone they read them in."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    email: Annotated[str, Field(min_length=3, max_length=254), AfterValidator(_email)]
    name: str = Field(min_length=1, max_length=120)
    time_zone: Zone

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if any(c in value for c in "\r\n"):
            raise ValueError("one line")
        return value
