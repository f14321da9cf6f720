"""What a report request says: which report, over which dates, for which jobs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from recruiting.reports.metrics import DIMENSIONS, KINDS

MAX_DAYS = 731


def _zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (an IANA name like Europe/Berlin)") from None
    return value


def _kind(value: str) -> str:
    if value not in KINDS:
        raise ValueError(f"one of {', '.join(KINDS)}")
    return value


# The enum is for the OpenAPI document; the validator names the choices.
Kind = Annotated[str, Field(json_schema_extra={"enum": list(KINDS)}), AfterValidator(_kind)]


def _dimension(value: str | None) -> str | None:
    if value is not None and value not in DIMENSIONS:
        raise ValueError(f"one of {', '.join(DIMENSIONS)}")
    return value


class Filters(BaseModel):
    """Jobs to include; every filter given must match."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    recruiter_id: str | None = Field(default=None, max_length=128)
    hiring_manager_id: str | None = Field(default=None, max_length=128)
    location: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    job_function: str | None = Field(default=None, max_length=200)
    job_id: int | None = Field(default=None, ge=1)


class ReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    report: Kind
    # Dates in ``time_zone``, both included.
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    time_zone: Annotated[str, Field(max_length=64), AfterValidator(_zone)] = "UTC"
    filters: Filters = Field(default_factory=Filters)
    group_by: Annotated[str | None, AfterValidator(_dimension)] = None
    # A byte-order mark lets older Excel read the CSV as UTF-8.
    csv_bom: bool = True

    @model_validator(mode="after")
    def _window(self) -> ReportRequest:
        if self.end < self.start:
            raise ValueError("'to' must not be before 'from'")
        if (self.end - self.start).days > MAX_DAYS:
            raise ValueError("a report covers at most two years")
        return self

    def described(self) -> list[tuple[str, str]]:
        lines = [
            ("window", f"{self.start} to {self.end} ({self.time_zone})"),
        ]
        lines += [(k, str(v)) for k, v in self.filters.model_dump(exclude_none=True).items()]
        if self.group_by:
            lines.append(("grouped by", self.group_by))
        return lines


class SubscriptionRequest(BaseModel):
    """A report sent to its subscriber on a schedule, at a local time."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    report: Kind
    filters: Filters = Field(default_factory=Filters)
    group_by: Annotated[str | None, AfterValidator(_dimension)] = None
    cadence: Literal["daily", "weekly", "monthly"]
    # Local time of day, in time_zone; weekly: weekday (Monday 0); monthly: day (1-28).
    hour: int = Field(default=8, ge=0, le=23)
    weekday: int = Field(default=0, ge=0, le=6)
    day: int = Field(default=1, ge=1, le=28)
    time_zone: Annotated[str, Field(max_length=64), AfterValidator(_zone)] = "UTC"
