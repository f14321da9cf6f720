"""What a recruiter writes: a sequence of e-mail steps, and who to enrol in it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from recruiting.outreach.windows import SendWindow


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    # Days after the previous step (the first step: after enrolment).
    delay_days: int = Field(default=0, ge=0, le=365)
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    start_hour: int = Field(default=9, ge=0, le=23)
    end_hour: int = Field(default=17, ge=1, le=24)
    weekdays: list[int] = Field(default=[0, 1, 2, 3, 4], min_length=1, max_length=7)

    @model_validator(mode="after")
    def _window(self) -> Window:
        self.as_window()  # raises ValueError with the rule
        return self

    def as_window(self) -> SendWindow:
        return SendWindow(self.start_hour, self.end_hour, tuple(sorted(set(self.weekdays))))


class SequenceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str = Field(min_length=1, max_length=120)
    steps: list[Step] = Field(min_length=1, max_length=10)
    send_window: Window = Field(default_factory=Window)
    # Recipients' time zone when their own is not known.
    time_zone: str = Field(default="UTC", max_length=64)
    daily_cap: int = Field(default=200, ge=1, le=10_000)
    sender_name: str | None = Field(default=None, max_length=80)
    signature: str = Field(default="", max_length=1_000)
    job_title: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=120)

    @field_validator("sender_name")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        """The From header's display name: one line, no control characters."""
        if value is not None:
            from recruiting.outreach.mail import check_header

            check_header("sender_name", value)
        return value

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from recruiting.outreach.windows import resolve_tz

        try:
            return resolve_tz(None, value)
        except ValueError:
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name like Europe/Berlin)"
            ) from None


class SearchFilter(BaseModel):
    """The people a search finds (the same keywords and filters as ``GET /ats/search``)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    q: str = Field(min_length=1, max_length=500)
    location: str | None = Field(default=None, max_length=200)
    min_years: float | None = Field(default=None, ge=0, le=80)
    education: str | None = Field(default=None, max_length=20)
    pool: str | None = Field(default=None, max_length=64)
    tag: str | None = Field(default=None, max_length=40)
    stage: str | None = Field(default=None, max_length=40)


class EnrolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    candidate_ids: list[str] = Field(default_factory=list, max_length=1_000)
    pool_id: str | None = Field(default=None, max_length=64)
    search: SearchFilter | None = None

    @model_validator(mode="after")
    def _one_source(self) -> EnrolRequest:
        if [bool(self.candidate_ids), bool(self.pool_id), self.search is not None].count(True) != 1:
            raise ValueError("give one of candidate_ids, pool_id or search")
        return self


class CallRequest(BaseModel):
    """A phone call a recruiter logs on the person's timeline."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    summary: str = Field(min_length=1, max_length=2_000)
