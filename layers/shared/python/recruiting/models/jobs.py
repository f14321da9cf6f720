"""Jobs as careers sites and recruiters see them: questions, consent, pipeline."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


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
    model_config = ConfigDict(frozen=True)

    id: int
    label: str
    free_form: bool = False  # the person may type their own answer


class Question(BaseModel):
    """A custom application question; answered as ``answers[<id>]``."""

    model_config = ConfigDict(frozen=True)

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

    model_config = ConfigDict(frozen=True)

    requires_processing_consent: bool = False
    requires_retention_consent: bool = False
    retention_days: int | None = None
    policy_version: str = "2026-01"
    text: str = ""


class SelfIdQuestion(BaseModel):
    """A voluntary self-identification question; answers only ever aggregated."""

    model_config = ConfigDict(frozen=True)

    id: int
    label: str
    multiple: bool = False
    options: tuple[AnswerOption, ...]


class Stage(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str


DEFAULT_PIPELINE: tuple[Stage, ...] = (
    Stage(id="applied", name="Applied"),
    Stage(id="screen", name="Recruiter screen"),
    Stage(id="interview", name="Interviews"),
    Stage(id="offer", name="Offer"),
    Stage(id="hired", name="Hired"),
)


class Job(BaseModel):
    """A job and everything a careers site needs to show and apply to it."""

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
    questions: tuple[Question, ...] = ()
    consent: ConsentPolicy = Field(default_factory=ConsentPolicy)
    self_identification: tuple[SelfIdQuestion, ...] = ()
    pipeline: tuple[Stage, ...] = DEFAULT_PIPELINE
    created_at: datetime
    updated_at: datetime
    opened_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status is JobStatus.OPEN

    def question(self, question_id: int) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


class Board(BaseModel):
    """A job board: the set of jobs one careers site shows (external, internal...)."""

    token: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str
    description_html: str = ""
    internal: bool = False
    # sha256 of the Greenhouse-compatible API key (HTTP Basic username).
    api_key_sha256: str | None = None
