"""The Greenhouse Job Board API's shapes, so a careers site wired to
Greenhouse can switch by changing its base URL.

Inbound: a Greenhouse application payload (JSON or multipart with Rack-style
brackets) becomes an ``ApplicationForm`` dict, and our field paths are named
back in Greenhouse's terms in errors. Outbound: jobs, boards and questions
rendered as Greenhouse answers them.
"""

from __future__ import annotations

import html
import zlib
from typing import TYPE_CHECKING, Any

from recruiting.distribution.urls import is_source_token
from recruiting.errors import FieldError, ValidationFailed
from recruiting.intake.forms import UploadedPart
from recruiting.models.jobs import Board, Job, QuestionType

if TYPE_CHECKING:  # storage loads with the service, not with the routes
    from recruiting.storage.jobs import Posting

_QUESTION_TYPES = {
    QuestionType.SHORT_TEXT: "input_text",
    QuestionType.LONG_TEXT: "textarea",
    QuestionType.SINGLE_SELECT: "multi_value_single_select",
    QuestionType.MULTI_SELECT: "multi_value_multi_select",
    QuestionType.YES_NO: "multi_value_single_select",
}
_TRUE = {"true", "1", "yes", "on"}
# Fields Greenhouse documents that we accept and deliberately drop.
_DROPPED = {
    "latitude",
    "longitude",
    "applicant_ip",
    "id",
    "gender",
    "race",
    "veteran_status",
    "disability_status",
}

_TEXT: dict[str, Any] = {"type": "string"}
_MONTH_YEAR: dict[str, Any] = {
    "type": "object",
    "properties": {"month": {"type": "integer"}, "year": {"type": "integer"}},
}
# The application payload as OpenAPI describes it. Forms send the same names
# Rack-style (educations[0][school_name_id]); custom questions are question_<id>.
APPLICATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "GreenhouseApplication",
    "required": ["first_name", "last_name", "email"],
    "properties": {
        **{name: {"type": "string", "minLength": 1} for name in ("first_name", "last_name")},
        "email": {"type": "string", "format": "email"},
        **{name: _TEXT for name in ("phone", "location")},
        **{
            f"{purpose}{suffix}": _TEXT
            for purpose in ("resume", "cover_letter")
            for suffix in ("_content", "_content_filename", "_text")
        },
        "mapped_url_token": _TEXT,
        "data_compliance": {
            "type": "object",
            "properties": {
                f"gdpr_{name}_given": {"type": "boolean"}
                for name in (
                    "consent",
                    "processing_consent",
                    "retention_consent",
                    "demographic_data_consent",
                )
            },
        },
        "demographic_answers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["question_id"],
                "properties": {
                    "question_id": {"type": "integer"},
                    "answer_options": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "answer_option_id": {"type": "integer"},
                                "text": _TEXT,
                            },
                        },
                    },
                },
            },
        },
        "educations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "school_name_id": {"type": "integer"},
                    "degree_id": {"type": "integer"},
                    "discipline_id": {"type": "integer"},
                    "start_date": _MONTH_YEAR,
                    "end_date": _MONTH_YEAR,
                },
            },
        },
        "employments": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "company_name": _TEXT,
                    "title": _TEXT,
                    "start_date": _MONTH_YEAR,
                    "end_date": _MONTH_YEAR,
                    "current": {"type": "boolean"},
                },
            },
        },
    },
    "patternProperties": {"^question_[0-9]+$": {}},
}


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def _month_year(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items() if v not in (None, "")}


def _attachment(
    data: dict[str, Any], purpose: str, field: str, errors: list[FieldError]
) -> dict[str, Any] | None:
    part = data.get(field)
    content = data.get(f"{field}_content")
    text = data.get(f"{field}_text")
    if data.get(f"{field}_url") is not None:
        errors.append(
            FieldError(
                f"{field}_url",
                "not_supported",
                "fetching files from URLs is not supported; send the file, _content or _text",
            )
        )
        return None
    sources = [s for s in (part, content, text) if s not in (None, "")]
    if not sources:
        return None
    if len(sources) > 1:
        errors.append(
            FieldError(field, "one_source", f"send one of {field}, {field}_content or {field}_text")
        )
        return None
    if isinstance(part, UploadedPart):
        return {"filename": part.filename, "data": part.data, "content_type": part.content_type}
    if part not in (None, ""):
        errors.append(FieldError(field, "file_expected", "must be a file part"))
        return None
    if content not in (None, ""):
        return {"filename": data.get(f"{field}_content_filename"), "content_base64": content}
    return {"text": text}


def to_application(data: dict[str, Any]) -> dict[str, Any]:
    """A Greenhouse application payload in ``ApplicationForm``'s shape."""
    errors: list[FieldError] = []
    form: dict[str, Any] = {}
    for key in ("first_name", "last_name", "email", "phone", "location"):
        if key in data:
            form[key] = data[key]
    for purpose in ("resume", "cover_letter"):
        attachment = _attachment(data, purpose, purpose, errors)
        if attachment is not None:
            form[purpose] = attachment
    answers: dict[str, Any] = {}
    for key, value in data.items():
        if not key.startswith("question_"):
            continue
        rest = key.removeprefix("question_")
        if rest.isascii() and rest.isdigit():
            answers[rest] = value
        elif rest.split("_", 1)[0].isascii() and rest.split("_", 1)[0].isdigit():
            _, _, suffix = rest.partition("_")
            if suffix in ("content", "url"):
                errors.append(
                    FieldError(
                        key, "not_supported", "file answers to custom questions are not supported"
                    )
                )
            elif suffix not in ("content_filename", "url_filename"):
                errors.append(FieldError(key, "unknown_field", "is not a field of this form"))
        else:
            errors.append(FieldError(key, "unknown_field", "is not a field of this form"))
    if answers:
        form["answers"] = answers
    compliance = data.get("data_compliance") or {}
    if isinstance(compliance, dict):
        single = _truthy(compliance.get("gdpr_consent_given", False))
        form["consent"] = {
            "processing": single or _truthy(compliance.get("gdpr_processing_consent_given", False)),
            "retention": single or _truthy(compliance.get("gdpr_retention_consent_given", False)),
            "demographic": _truthy(compliance.get("gdpr_demographic_data_consent_given", False)),
        }
    demographic = data.get("demographic_answers") or []
    if isinstance(demographic, list):
        self_id: dict[str, Any] = {}
        for index, entry in enumerate(demographic):
            if not isinstance(entry, dict) or "question_id" not in entry:
                errors.append(
                    FieldError(
                        f"demographic_answers[{index}]", "question_id", "needs a question_id"
                    )
                )
                continue
            options = entry.get("answer_options") or []
            if isinstance(options, dict):  # answer_options[0][...] style
                options = _as_list(options)
            if not isinstance(options, list):
                errors.append(
                    FieldError(
                        f"demographic_answers[{index}][answer_options]",
                        "list_type",
                        "must be a list of answer options",
                    )
                )
                continue
            texts = [o.get("text") for o in options if isinstance(o, dict) and o.get("text")]
            self_id[str(entry["question_id"])] = {
                "option_ids": [o.get("answer_option_id") for o in options if isinstance(o, dict)],
                **({"text": texts[0]} if texts else {}),
            }
        if self_id:
            form["self_identification"] = self_id
    if data.get("educations"):
        form["educations"] = [
            {
                "school": e.get("school_name_id") or e.get("school_name"),
                "degree": e.get("degree_id") or e.get("degree"),
                "discipline": e.get("discipline_id") or e.get("discipline"),
                "start_date": _month_year(e.get("start_date")),
                "end_date": _month_year(e.get("end_date")),
            }
            if isinstance(e, dict)
            else e
            for e in _as_list(data["educations"])
        ]
    if data.get("employments"):
        form["employments"] = [
            {
                "company_name": e.get("company_name"),
                "title": e.get("title"),
                "start_date": _month_year(e.get("start_date")),
                "end_date": _month_year(e.get("end_date")),
                "current": _truthy(e.get("current", False)),
            }
            if isinstance(e, dict)
            else e
            for e in _as_list(data["employments"])
        ]
    if data.get("mapped_url_token"):
        # Greenhouse's name for the apply link's source token (gh_src). One that
        # cannot be a token is kept as the source, as before: a tracking
        # parameter must never cost a person their application.
        token = str(data["mapped_url_token"])
        if is_source_token(token):
            form["source_token"] = token
        else:
            form["source"] = token[:100]
    known = {
        "first_name",
        "last_name",
        "email",
        "phone",
        "location",
        "data_compliance",
        "demographic_answers",
        "educations",
        "employments",
        "mapped_url_token",
    }
    for purpose in ("resume", "cover_letter"):
        known |= {
            purpose,
            f"{purpose}_content",
            f"{purpose}_content_filename",
            f"{purpose}_text",
            f"{purpose}_url",
            f"{purpose}_url_filename",
        }
    for key in data:
        if key not in known and key not in _DROPPED and not key.startswith("question_"):
            errors.append(FieldError(key, "unknown_field", "is not a field of this form"))
    if errors:
        raise ValidationFailed(errors)
    # Empty employments[] end dates etc. are dropped so "current" jobs validate.
    for employment in form.get("employments", []):
        if isinstance(employment, dict) and not employment.get("end_date"):
            employment.pop("end_date", None)
    return form


def _index(key: object) -> int:
    """A Rack-style list index ("0", "1"); anything else (even "¹") sorts first."""
    text = str(key)
    return int(text) if text.isascii() and text.isdigit() else 0


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):  # educations[0][...] style
        return [value[k] for k in sorted(value, key=_index)]
    return [value]


def field_name(path: str) -> str:
    """Our field path in Greenhouse's terms (answers.12 -> question_12)."""
    head, _, rest = path.partition(".")
    if head == "answers" and rest:
        return f"question_{rest.split('.', 1)[0]}"
    if head == "consent":
        return {
            "consent.processing": "data_compliance[gdpr_processing_consent_given]",
            "consent.retention": "data_compliance[gdpr_retention_consent_given]",
        }.get(path, "data_compliance")
    if head == "self_identification" and rest:
        return f"demographic_answers[question_id={rest.split('.', 1)[0]}]"
    if head in ("resume", "cover_letter") and rest:
        return head
    if head == "source_token":
        return "mapped_url_token"
    if head in ("educations", "employments") and rest:
        index, _, sub = rest.partition(".")
        return f"{head}[{index}]" + (f"[{sub.replace('.', '][')}]" if sub else "")
    return path


# --- outbound ---------------------------------------------------------------


def _stable_id(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def _timestamp(value: str) -> str:
    # Greenhouse answers ISO 8601 with an offset and no fraction.
    return value[:19] + "Z" if value.endswith("Z") else value


def _absolute_url(base_url: str, board: str, job_id: int) -> str:
    return f"{base_url.rstrip('/')}/{board}/jobs/{job_id}"


def _data_compliance(job: Job | None) -> list[dict[str, Any]]:
    if job is None:
        return []
    policy = job.consent
    return [
        {
            "type": "gdpr",
            "requires_consent": False,
            "requires_processing_consent": policy.requires_processing_consent,
            "requires_retention_consent": policy.requires_retention_consent,
            "retention_period": policy.retention_days,
            "demographic_data_consent_applies": bool(job.self_identification),
        }
    ]


def posting_json(
    posting: Posting, board: str, base_url: str, job: Job | None = None, content: bool = False
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": posting.job_id,
        "internal_job_id": posting.job_id,
        "title": posting.title,
        "updated_at": _timestamp(posting.updated_at),
        "requisition_id": posting.requisition_id,
        "location": {"name": posting.location or ""},
        "absolute_url": _absolute_url(base_url, board, posting.job_id),
        "language": "en",
        "metadata": None,
    }
    if job is not None:
        item["data_compliance"] = _data_compliance(job)
        if job.opened_at is not None:
            item["first_published"] = job.opened_at.isoformat()
    if content and job is not None:
        item["content"] = html.escape(job.description_html, quote=False)
        item["departments"] = (
            [
                {
                    "id": _stable_id(job.department),
                    "name": job.department,
                    "parent_id": None,
                    "child_ids": [],
                }
            ]
            if job.department
            else []
        )
        item["offices"] = (
            [
                {
                    "id": _stable_id(job.location),
                    "name": job.location,
                    "location": job.location,
                    "parent_id": None,
                    "child_ids": [],
                }
            ]
            if job.location
            else []
        )
    return item


def _question(
    required: bool, label: str, fields: list[dict[str, Any]], description: str | None = None
) -> dict[str, Any]:
    return {"required": required, "label": label, "description": description, "fields": fields}


def questions_json(job: Job) -> list[dict[str, Any]]:
    questions = [
        _question(True, "First Name", [{"name": "first_name", "type": "input_text"}]),
        _question(True, "Last Name", [{"name": "last_name", "type": "input_text"}]),
        _question(True, "Email", [{"name": "email", "type": "input_text"}]),
        _question(False, "Phone", [{"name": "phone", "type": "input_text"}]),
        _question(
            False,
            "Resume/CV",
            [{"name": "resume", "type": "input_file"}, {"name": "resume_text", "type": "textarea"}],
        ),
        _question(
            False,
            "Cover Letter",
            [
                {"name": "cover_letter", "type": "input_file"},
                {"name": "cover_letter_text", "type": "textarea"},
            ],
        ),
    ]
    for question in job.questions:
        field: dict[str, Any] = {
            "name": f"question_{question.id}",
            "type": _QUESTION_TYPES[question.type],
        }
        if question.type is QuestionType.MULTI_SELECT:
            field["name"] += "[]"
        if question.type is QuestionType.YES_NO:
            field["values"] = [{"label": "No", "value": 0}, {"label": "Yes", "value": 1}]
        elif question.options:
            field["values"] = [{"label": o.label, "value": o.id} for o in question.options]
        questions.append(
            _question(question.required, question.label, [field], question.description)
        )
    return questions


def job_json(job: Job, board: str, base_url: str, with_questions: bool) -> dict[str, Any]:
    from recruiting.storage.jobs import Posting

    posting = Posting(
        job_id=job.id,
        title=job.title,
        department=job.department,
        location=job.location,
        employment_type=job.employment_type.value,
        requisition_id=job.requisition_id,
        updated_at=job.updated_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    item = posting_json(posting, board, base_url, job, content=True)
    if with_questions:
        item["questions"] = questions_json(job)
        item["location_questions"] = []
        item["compliance"] = []
        if job.self_identification:
            item["demographic_questions"] = {
                "header": "Voluntary self-identification",
                "description": "<p>Answering is optional and never affects your application.</p>",
                "questions": [
                    {
                        "id": q.id,
                        "label": q.label,
                        "required": False,
                        "type": "multi_value_multi_select"
                        if q.multiple
                        else "multi_value_single_select",
                        "answer_options": [
                            {"id": o.id, "label": o.label, "free_form": o.free_form}
                            for o in q.options
                        ],
                    }
                    for q in job.self_identification
                ],
            }
    return item


def board_json(board: Board) -> dict[str, Any]:
    return {"name": board.name, "content": board.description_html}
