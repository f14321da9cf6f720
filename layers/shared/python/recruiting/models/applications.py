"""What a careers site sends when someone applies, and what it gets back.

``ApplicationForm`` is the one normalised shape: the native JSON and multipart
routes and the Greenhouse-compatible route all produce it, so every rule is
checked in one place. Rules that need the job (questions, consent) are checked
by the intake service.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from recruiting.distribution.urls import SOURCE_PATTERN

# The WHATWG HTML definition of a valid e-mail address (what every browser's
# <input type=email> accepts), plus a dotted domain: a careers site needs an
# address mail can reach, not an intranet host name.
_EMAIL = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"
)
_URL_IN_NAME = re.compile(r"(?i)https?://|www\.")


def normalise_email(value: str) -> str:
    """The form of an address used to recognise a person: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", value).strip().lower()


def _check_email(value: str) -> str:
    email = normalise_email(value)
    if len(email) > 254 or not _EMAIL.match(email):
        raise PydanticCustomError("email_syntax", "is not a valid e-mail address")
    return email


def _clean_name(value: str) -> str:
    name = " ".join(unicodedata.normalize("NFKC", value).split())
    if not name:
        raise PydanticCustomError("required", "must not be blank")
    if _URL_IN_NAME.search(name):
        raise PydanticCustomError("no_urls", "must not contain a web address")
    return name


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


Email = Annotated[
    str,
    Field(max_length=320, json_schema_extra={"format": "email"}),
    AfterValidator(_check_email),
]
Name = Annotated[str, Field(max_length=255), AfterValidator(_clean_name)]
OptionalText = Annotated[
    Annotated[str, Field(max_length=255)] | None, BeforeValidator(_blank_to_none)
]


class AttachmentInput(BaseModel):
    """A resume or cover letter: a file, base64 content, plain text, or an upload."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    filename: Annotated[str | None, Field(max_length=255)] = None
    content_base64: str | None = None
    text: Annotated[str | None, Field(max_length=200_000)] = None
    upload_id: Annotated[str | None, Field(pattern=r"^[0-9a-f]{32}$")] = None
    content_type: SkipJsonSchema[str | None] = Field(default=None, exclude=True)
    # Set by the multipart reader for file parts; never part of the JSON shape.
    data: SkipJsonSchema[bytes | None] = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="after")
    def _exactly_one_source(self) -> AttachmentInput:
        given = [
            n
            for n in ("content_base64", "text", "upload_id", "data")
            if getattr(self, n) is not None
        ]
        if len(given) != 1:
            raise PydanticCustomError(
                "one_source",
                "give exactly one of a file, content_base64 (with filename), text or upload_id",
            )
        if self.content_base64 is not None and not self.filename:
            raise PydanticCustomError("filename_required", "content_base64 needs a filename")
        return self


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    processing: bool = False
    retention: bool = False
    marketing: bool = False
    demographic: bool = False  # consent to process self-identification answers


class SelfIdAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    option_ids: list[int] = Field(default_factory=list, max_length=20)
    text: Annotated[str | None, Field(max_length=500)] = None


class MonthYear(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    month: Annotated[int, Field(ge=1, le=12)] | None = None
    year: Annotated[int, Field(ge=1900, le=2200)]


class Education(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    school: OptionalText = None
    degree: OptionalText = None
    discipline: OptionalText = None
    start_date: MonthYear | None = None
    end_date: MonthYear | None = None


class Employment(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    company_name: OptionalText = None
    title: OptionalText = None
    start_date: MonthYear | None = None
    end_date: MonthYear | None = None
    current: bool = False

    @model_validator(mode="after")
    def _end_unless_current(self) -> Employment:
        if self.current and self.end_date is not None:
            raise PydanticCustomError("current_has_no_end", "a current job has no end_date")
        if self.start_date and self.end_date:
            start = (self.start_date.year, self.start_date.month or 1)
            end = (self.end_date.year, self.end_date.month or 12)
            if end < start:
                raise PydanticCustomError("end_before_start", "end_date is before start_date")
        return self


AnswerValue = str | int | bool | list[int] | list[str]
# The parts whose rules need the job, shared by ApplicationForm and JobParts.
Phone = Annotated[Annotated[str, Field(max_length=40)] | None, BeforeValidator(_blank_to_none)]
Answers = Annotated[dict[int, AnswerValue], Field(max_length=200)]
SelfIdentification = Annotated[dict[int, SelfIdAnswer], Field(max_length=50)]


class ApplicationForm(BaseModel):
    """One application as a careers site sends it (already normalised)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    first_name: Name
    last_name: Name
    email: Email
    phone: Phone = None
    location: OptionalText = None
    links: list[HttpUrl] = Field(default_factory=list, max_length=10)
    answers: Answers = Field(default_factory=dict)
    consent: Consent = Field(default_factory=Consent)
    self_identification: SelfIdentification = Field(default_factory=dict)
    resume: AttachmentInput | None = None
    cover_letter: AttachmentInput | None = None
    educations: list[Education] = Field(default_factory=list, max_length=20)
    employments: list[Employment] = Field(default_factory=list, max_length=50)
    source: Annotated[
        Annotated[str, Field(max_length=100)] | None, BeforeValidator(_blank_to_none)
    ] = None
    # The source token of the apply link (``gh_src``), which names the source.
    source_token: Annotated[
        Annotated[str, Field(pattern=SOURCE_PATTERN)] | None,
        BeforeValidator(_blank_to_none),
    ] = None


class JobParts(BaseModel):
    """The parts of an application whose rules need the job (phone, answers,
    consent, self-identification), read from a body ``ApplicationForm`` refused.

    Lets one 422 name the job's broken rules along with the form's: each part
    is checked by the job's rules if it passed its own shape rules. A part that
    did not is None, and its job rules are not checked (its shape error says
    what is wrong with it). A part the body leaves out has its default, as in
    the form: no answers is ``{}``, so a required question is still named.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, defer_build=True)

    phone: Phone = None
    answers: Answers | None = Field(default_factory=dict)
    consent: Consent | None = Field(default_factory=Consent)
    self_identification: SelfIdentification | None = Field(default_factory=dict)

    @classmethod
    def salvage(cls, data: Mapping[str, Any]) -> JobParts:
        """The parts of ``data`` that pass their shape rules; the others None."""
        given = {name: data[name] for name in cls.model_fields if name in data}
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            refused = {error["loc"][0] for error in exc.errors() if error["loc"]}
        return cls.model_validate({**given, **dict.fromkeys(refused)})


class UploadRequest(BaseModel):
    """Ask for a presigned S3 POST for a file too large for a request body."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content_type: str
    size: Annotated[int, Field(ge=1)]
    purpose: str = Field(default="resume", pattern=r"^(resume|cover_letter)$")


class PresignedUpload(BaseModel):
    model_config = ConfigDict(defer_build=True)

    upload_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime


class ApplicationReceipt(BaseModel):
    """What the applicant's careers site gets back; the same on every retry."""

    model_config = ConfigDict(defer_build=True)

    application_id: str
    candidate_id: str
    job_id: int
    status: str = "received"
    received_at: datetime
