"""Jobs as careers sites and recruiters see them: questions, consent, pipeline."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError


class JobStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class EmploymentType(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    INTERNSHIP = "internship"
    TEMPORARY = "temporary"


class QuestionType(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_SELECT = "single_select"
    MULTI_SELECT = "multi_select"
    YES_NO = "yes_no"


class AnswerOption(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    id: int
    label: str
    free_form: bool = False  # the person may type their own answer


class Question(BaseModel):
    """A custom application question; answered as ``answers[<id>]``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: int
    label: str
    type: QuestionType
    required: bool = False
    description: str | None = None
    options: tuple[AnswerOption, ...] = ()
    max_length: int = 10_000

    @model_validator(mode="after")
    def _selects_have_options(self) -> Question:
        selects = {QuestionType.SINGLE_SELECT, QuestionType.MULTI_SELECT}
        if self.type in selects and not self.options:
            raise ValueError(f"question {self.id}: a select question needs options")
        return self

    def option_ids(self) -> set[int]:
        if self.type is QuestionType.YES_NO:
            return {0, 1}
        return {o.id for o in self.options}


class ConsentPolicy(BaseModel):
    """What consent the job's location requires (GDPR-style explicit consent)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    requires_processing_consent: bool = False
    requires_retention_consent: bool = False
    # With retention consent: how long after the person's last activity they are kept
    # (None: as long as the consent stands).
    retention_days: int | None = Field(default=None, ge=1, le=3650)
    # Without it: a rejected or withdrawn candidate inactive this long is anonymised
    # on schedule (None: never automatically).
    anonymise_after_months: int | None = Field(default=None, ge=1, le=120)
    policy_version: str = "2026-01"
    text: str = ""


class SelfIdQuestion(BaseModel):
    """A voluntary self-identification question; answers only ever aggregated."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: int
    label: str
    multiple: bool = False
    options: tuple[AnswerOption, ...]


class AutomationKind(StrEnum):
    EMAIL = "email"  # a templated e-mail to the candidate
    TASK = "task"  # a task for a role on the job (recruiter, hiring manager)
    SCORECARD = "scorecard"  # ask the job's interviewers for a scorecard
    ASSESSMENT = "assessment"  # send the candidate an assessment link


class Automation(BaseModel):
    """Something that happens once each time an application enters a stage."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: AutomationKind
    title: str = Field(default="", max_length=200)  # task title, e-mail subject
    template: str = Field(default="", max_length=20_000)  # e-mail body (Jinja, autoescaped)
    role: str | None = Field(default=None, pattern=r"^(recruiter|hiring_manager)$")
    url: str | None = Field(default=None, max_length=2000)  # assessment link


class Stage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name: str = Field(min_length=1, max_length=100)
    on_enter: tuple[Automation, ...] = ()


DEFAULT_PIPELINE: tuple[Stage, ...] = (
    Stage(id="applied", name="Applied"),
    Stage(id="screen", name="Recruiter screen"),
    Stage(id="interview", name="Interviews"),
    Stage(id="offer", name="Offer"),
    Stage(id="hired", name="Hired"),
)


class Opening(BaseModel):
    """One stretch of a job being open (a job closed and reopened has several)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    opened_at: datetime
    closed_at: datetime | None = None


class Workplace(StrEnum):
    ON_SITE = "on_site"
    # Fully remote: schema.org's TELECOMMUTE (Google: "100% of the time").
    REMOTE = "remote"
    # Partly at the address, partly remote: a located job (never TELECOMMUTE).
    HYBRID = "hybrid"


class SalaryUnit(StrEnum):
    """What one amount pays for (schema.org QuantitativeValue unitText, as Google reads it)."""

    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    YEAR = "YEAR"


class Address(BaseModel):
    """Where the job is done (schema.org PostalAddress); ``country`` ISO 3166-1 alpha-2."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    street: str | None = Field(default=None, min_length=1, max_length=200)
    locality: str | None = Field(default=None, min_length=1, max_length=100)
    region: str | None = Field(default=None, min_length=1, max_length=100)
    postal_code: str | None = Field(default=None, min_length=1, max_length=20)
    country: str


class Salary(BaseModel):
    """Base pay: a range (``min`` to ``max``) or one amount, per ``unit``, in ``currency``."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    min: float | None = Field(default=None, ge=0, le=1e12, allow_inf_nan=False)
    max: float | None = Field(default=None, ge=0, le=1e12, allow_inf_nan=False)
    currency: str  # ISO 4217
    unit: SalaryUnit

    @field_validator("max")
    @classmethod
    def _not_below_min(cls, value: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min")
        if value is not None and low is not None and value < low:
            raise PydanticCustomError("salary_range", "max must not be less than min")
        return value

    @model_validator(mode="after")
    def _an_amount(self) -> Salary:
        if self.min is None and self.max is None:
            raise PydanticCustomError("salary_amount", "give min, max or both")
        return self


def _code(value: object) -> str:
    return value.strip().upper() if isinstance(value, str) else ""


def _country_code(value: object) -> str:
    from recruiting.distribution.codes import COUNTRIES

    code = _code(value)
    if code not in COUNTRIES:
        raise PydanticCustomError(
            "country_code", "must be an ISO 3166-1 alpha-2 country code, such as DE or US"
        )
    return code


def _currency_code(value: object) -> str:
    from recruiting.distribution.codes import CURRENCIES

    code = _code(value)
    if code not in CURRENCIES:
        raise PydanticCustomError("currency_code", "must be an ISO 4217 currency code, such as EUR")
    return code


# New input only: stored jobs load whatever codes they hold (see distribution.codes).
CountryCode = Annotated[str, BeforeValidator(_country_code)]
CurrencyCode = Annotated[str, BeforeValidator(_currency_code)]


class AddressFields(Address):
    country: CountryCode


class SalaryFields(Salary):
    currency: CurrencyCode


class Job(BaseModel):
    """A job and everything a careers site needs to show and apply to it."""

    model_config = ConfigDict(defer_build=True)

    id: int
    title: str
    status: JobStatus = JobStatus.DRAFT
    boards: tuple[str, ...] = ()
    department: str | None = None
    location: str | None = None
    employment_type: EmploymentType = EmploymentType.FULL_TIME
    job_function: str | None = None
    description_html: str = ""
    requisition_id: str | None = None
    recruiter_id: str | None = None
    hiring_manager_id: str | None = None
    # Nudge the recruiter when an active application has had no activity this long.
    stale_after_days: int | None = None
    questions: tuple[Question, ...] = ()
    consent: ConsentPolicy = Field(default_factory=ConsentPolicy)
    self_identification: tuple[SelfIdQuestion, ...] = ()
    pipeline: tuple[Stage, ...] = DEFAULT_PIPELINE
    created_at: datetime
    updated_at: datetime
    opened_at: datetime | None = None
    # Every time the job was opened and closed, oldest first (time to fill counts from
    # the opening a hire filled, not the first).
    openings: tuple[Opening, ...] = ()
    # Distribution (JSON-LD, job feeds); ``location`` above stays the free text shown.
    address: Address | None = None
    workplace: Workplace = Workplace.ON_SITE
    remote_countries: tuple[str, ...] = ()  # where a remote job's applicants may live
    salary: Salary | None = None
    category: str | None = None
    # When the posting expires (default: see distribution.posting.valid_through).
    valid_through: datetime | None = None

    @model_validator(mode="after")
    def _pipeline_is_usable(self) -> Job:
        ids = [stage.id for stage in self.pipeline]
        if len(ids) < 2:
            raise ValueError("a pipeline needs at least two stages (applied ... hired)")
        if len(set(ids)) != len(ids):
            raise ValueError("stage ids must be unique")
        question_ids = [q.id for q in self.questions]
        if len(set(question_ids)) != len(question_ids):
            raise ValueError("question ids must be unique")
        return self

    @property
    def is_open(self) -> bool:
        return self.status is JobStatus.OPEN

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.pipeline if s.id == stage_id), None)

    @property
    def final_stage(self) -> Stage:
        """Reached only by hiring (which needs a start date)."""
        return self.pipeline[-1]

    def question(self, question_id: int) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


class JobFields(BaseModel):
    """What a recruiter sets on a job; every field optional in an edit."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    title: str | None = Field(default=None, min_length=1, max_length=200)
    boards: tuple[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")], ...] | None = None
    department: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    employment_type: EmploymentType | None = None
    job_function: str | None = Field(default=None, max_length=200)
    description_html: str | None = Field(default=None, max_length=100_000)
    requisition_id: str | None = Field(default=None, max_length=100)
    recruiter_id: str | None = Field(default=None, max_length=200)
    hiring_manager_id: str | None = Field(default=None, max_length=200)
    stale_after_days: int | None = Field(default=None, ge=1, le=365)
    questions: tuple[Question, ...] | None = None
    consent: ConsentPolicy | None = None
    self_identification: tuple[SelfIdQuestion, ...] | None = None
    pipeline: tuple[Stage, ...] | None = None
    address: AddressFields | None = None
    workplace: Workplace | None = None
    remote_countries: tuple[CountryCode, ...] | None = Field(default=None, max_length=250)
    salary: SalaryFields | None = None
    category: str | None = Field(default=None, min_length=1, max_length=200)
    valid_through: AwareDatetime | None = None

    @field_validator("remote_countries")
    @classmethod
    def _each_country_once(cls, countries: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if countries is not None and len(set(countries)) != len(countries):
            raise PydanticCustomError("unique", "list each country once")
        return countries

    @field_validator("valid_through")
    @classmethod
    def _in_the_future(cls, value: datetime | None) -> datetime | None:
        # The clock every service reads (``clock.now``), looked up when called.
        from recruiting import clock

        if value is not None and value <= clock.now():
            raise PydanticCustomError("datetime_future", "must be in the future")
        return value

    @field_validator("boards")
    @classmethod
    def _each_board_once(cls, boards: tuple[str, ...] | None) -> tuple[str, ...] | None:
        # A job is posted once per board (one posting item each).
        if boards is not None and len(set(boards)) != len(boards):
            raise ValueError("list each board once")
        return boards


class NewJob(JobFields):
    """Create a job (a draft until it is opened)."""

    title: str = Field(min_length=1, max_length=200)


class Board(BaseModel):
    """A job board: the set of jobs one careers site shows (external, internal...)."""

    model_config = ConfigDict(defer_build=True)

    token: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str
    description_html: str = ""
    internal: bool = False
    # sha256 of the Greenhouse-compatible API key (HTTP Basic username).
    api_key_sha256: str | None = None
