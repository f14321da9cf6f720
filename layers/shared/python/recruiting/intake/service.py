"""The intake rules: list jobs, hand out uploads, and record applications.

``IntakeService.apply`` is the heart of the careers-site API. It checks every
rule before anything is stored, recognises the person by e-mail (a prospect
becomes an applicant and keeps their history), returns the original receipt
when the same person applies to the same job again within the window, stores
the files, writes candidate + application + first stage change atomically,
and announces ``application.received`` on the event bus.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from recruiting import clock
from recruiting.ats.sources import SourceRegistry
from recruiting.config import Settings
from recruiting.errors import Conflict, FieldError, JobClosed, NotFound, ValidationFailed
from recruiting.intake.contact import PhoneRejected, normalise_phone
from recruiting.intake.documents import (
    UPLOAD_CONTENT_TYPES,
    DocumentKind,
    Rejection,
    identify,
)
from recruiting.models.applications import (
    AnswerValue,
    ApplicationForm,
    ApplicationReceipt,
    AttachmentInput,
    Consent,
    JobParts,
    PresignedUpload,
    SelfIdAnswer,
    UploadRequest,
)
from recruiting.models.jobs import Board, Job, QuestionType
from recruiting.storage.candidates import (
    CandidateRepository,
    ContactDetails,
    NewApplication,
    WriteConflict,
)
from recruiting.storage.events import EventPublisher
from recruiting.storage.files import ResumeStore
from recruiting.storage.jobs import JobRepository, Posting, PostingFilters

logger = Logger(child=True)

# Errors with which DynamoDB refuses a TransactWriteItems as a whole: nothing written.
_NOT_WRITTEN = frozenset(
    {
        "TransactionCanceledException",
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
    }
)

FieldNamer = Callable[[str], str]
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def native_names(path: str) -> str:
    return path


@dataclass(frozen=True)
class PreparedDocument:
    purpose: str
    kind: DocumentKind
    filename: str
    data: bytes | None  # None when the bytes already sit in S3 (a direct upload)
    upload_key: str | None
    size: int
    sha256: str


@dataclass(frozen=True)
class Outcome:
    receipt: ApplicationReceipt
    created: bool  # False when this repeats an earlier application


class IntakeService:
    def __init__(
        self,
        settings: Settings,
        jobs: JobRepository,
        candidates: CandidateRepository,
        files: ResumeStore,
        events: EventPublisher,
        now: Callable[[], datetime] = clock.now,
        new_id: Callable[[], str] = clock.new_id,
        sources: SourceRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.jobs = jobs
        self.candidates = candidates
        self.files = files
        self.events = events
        self.now = now
        self.new_id = new_id
        self.sources = sources or SourceRegistry()

    # --- reading ---------------------------------------------------------

    def board(self, token: str) -> Board:
        board = self.jobs.get_board(token)
        if board is None:
            raise NotFound(f"no job board {token!r}")
        return board

    def list_jobs(
        self, board: str, filters: PostingFilters, limit: int, cursor: str | None
    ) -> tuple[list[Posting], str | None]:
        self.board(board)
        return self.jobs.list_open_postings(board, filters, limit, cursor)

    def all_open_postings(self, board: str) -> list[Posting]:
        return self.jobs.all_open_postings(board)

    def open_job(self, job_id: int, board: str | None = None) -> Job:
        """A job a careers site may show: open, and on the board when one is named."""
        job = self.jobs.get_job(job_id)
        if job is None or not job.is_open or (board is not None and board not in job.boards):
            raise NotFound(f"no open job {job_id}")
        return job

    # --- direct uploads --------------------------------------------------

    def create_upload(self, job_id: int, request: UploadRequest) -> PresignedUpload:
        """A presigned POST for one file, bound to this job, type and size."""
        self.open_job(job_id)
        errors = []
        base_type = request.content_type.split(";", 1)[0].strip().lower()
        if base_type not in UPLOAD_CONTENT_TYPES:
            errors.append(
                FieldError(
                    "content_type",
                    "file_type",
                    "must be application/pdf, the DOCX type or text/plain",
                )
            )
        if request.size > self.settings.upload_file_max_bytes:
            errors.append(
                FieldError(
                    "size",
                    "file_too_large",
                    f"must be at most {self.settings.upload_file_max_bytes} bytes",
                )
            )
        if errors:
            raise ValidationFailed(errors)
        upload_id = self.new_id()
        ttl = self.settings.upload_url_ttl_seconds
        post = self.files.presigned_post(
            self._upload_key(job_id, upload_id, request.purpose),
            base_type,
            self.settings.upload_file_max_bytes,
            ttl,
        )
        return PresignedUpload(
            upload_id=upload_id,
            url=post["url"],
            fields=post["fields"],
            max_bytes=self.settings.upload_file_max_bytes,
            expires_at=self.now() + timedelta(seconds=ttl),
        )

    @staticmethod
    def _upload_key(job_id: int, upload_id: str, purpose: str) -> str:
        return f"uploads/{job_id}/{upload_id}/{purpose}"

    # --- applying --------------------------------------------------------

    def apply(
        self,
        job_id: int,
        form: ApplicationForm,
        *,
        channel: str = "native",
        board: str | None = None,
        names: FieldNamer = native_names,
    ) -> Outcome:
        """Record one application, or return the receipt of the same one before."""
        job = self.jobs.get_job(job_id)
        if job is None or (board is not None and board not in job.boards):
            raise NotFound(f"no job {job_id}")
        if not job.is_open:
            raise JobClosed(f"job {job_id} is not taking applications")

        errors: list[FieldError] = []
        phone_e164 = self._phone(form.phone, errors, names)
        answers = self._answers(job, form.answers, errors, names)
        self._consent(job, form.consent, errors, names)
        self_id = self._self_identification(job, form.self_identification, errors, names)
        documents = [
            doc
            for purpose, attachment in (
                ("resume", form.resume),
                ("cover_letter", form.cover_letter),
            )
            if attachment is not None
            for doc in [self._document(job_id, purpose, attachment, errors, names)]
            if doc is not None
        ]
        if errors:
            raise ValidationFailed(errors)

        # The apply link's source token names the source; a token no source
        # has (an old link, a typo) is kept as it is rather than lost.
        registered = self.sources.name_of(form.source_token)
        source = registered or form.source or form.source_token
        for _attempt in range(3):
            outcome = self._try_record(
                job,
                form,
                channel,
                board,
                phone_e164,
                answers,
                self_id,
                documents,
                source,
                registered,
            )
            if outcome is not None:
                return outcome
        raise Conflict("the application collided with another write three times; retry")

    def with_job_errors(
        self,
        refused: ValidationFailed,
        job_id: int,
        data: dict[str, Any],
        *,
        board: str | None = None,
        names: FieldNamer = native_names,
    ) -> ValidationFailed:
        """``refused`` (the form's shape errors, already named by ``names``)
        followed by the job's rules that the parts of ``data`` which did parse
        break, so a careers site can show every error at once.

        Only called once the form is refused: an application that passes its
        shape reads the job once, in ``apply``. A part the shape rules refused
        (``answers`` not an object, say) is not checked again, and no field is
        named twice. The documents are not checked here (that may read S3).

        An unknown job, one not on ``board``, or a closed one adds nothing: the
        answer stays the 422 of the shape errors alone, as before, and the
        404 or 410 comes once the form is right (as for any valid form).
        Nothing is stored.
        """
        extra = self.job_errors(job_id, JobParts.salvage(data), board=board, names=names)
        named = {error.field for error in refused.errors}
        extra = [error for error in extra if error.field not in named]
        return ValidationFailed([*refused.errors, *extra]) if extra else refused

    def job_errors(
        self,
        job_id: int,
        parts: JobParts,
        *,
        board: str | None = None,
        names: FieldNamer = native_names,
    ) -> list[FieldError]:
        """The rules of the job that ``parts`` break (none for a job that does
        not take applications here); a part that is None is not checked."""
        job = self.jobs.get_job(job_id)
        if job is None or not job.is_open or (board is not None and board not in job.boards):
            return []
        errors: list[FieldError] = []
        self._phone(parts.phone, errors, names)
        if parts.answers is not None:
            self._answers(job, parts.answers, errors, names)
        if parts.consent is not None:
            self._consent(job, parts.consent, errors, names)
        if parts.self_identification is not None:
            self._self_identification(job, parts.self_identification, errors, names)
        return errors

    def _try_record(
        self,
        job: Job,
        form: ApplicationForm,
        channel: str,
        board: str | None,
        phone_e164: str | None,
        answers: dict[str, Any],
        self_id: dict[str, Any] | None,
        documents: list[PreparedDocument],
        source: str | None,
        registered_source: str | None,
    ) -> Outcome | None:
        now = self.now()
        window_start = now - timedelta(days=self.settings.duplicate_window_days)
        person = self.candidates.find_by_email(form.email)
        if person is not None:
            prior = self.candidates.find_prior_application(job.id, person.candidate_id)
            if prior is not None and prior.applied_at >= clock.iso(window_start):
                logger.info("repeat application", extra={"application_id": prior.application_id})
                return Outcome(ApplicationReceipt.model_validate(prior.receipt), created=False)

        candidate_id = person.candidate_id if person else self.new_id()
        application_id = self.new_id()
        receipt = ApplicationReceipt(
            application_id=application_id,
            candidate_id=candidate_id,
            job_id=job.id,
            received_at=now,
        )
        stored_keys, document_records = self._store_documents(
            candidate_id, application_id, documents
        )
        new = NewApplication(
            application_id=application_id,
            candidate_id=candidate_id,
            candidate_is_new=person is None,
            job_id=job.id,
            first_stage=job.pipeline[0].id,
            applied_at=now,
            window_start=window_start,
            channel=channel,
            board=board,
            source=source,
            source_token=form.source_token,
            contact=ContactDetails(
                first_name=form.first_name,
                last_name=form.last_name,
                email=form.email,
                phone=form.phone,
                phone_e164=phone_e164,
                location=form.location,
                links=[str(link) for link in form.links],
            ),
            answers=answers,
            educations=[e.model_dump(mode="json", exclude_none=True) for e in form.educations],
            employments=[e.model_dump(mode="json", exclude_none=True) for e in form.employments],
            consent={
                **form.consent.model_dump(),
                "policy_version": job.consent.policy_version,
                "recorded_at": clock.iso(now),
            },
            documents=document_records,
            receipt=receipt.model_dump(mode="json"),
            self_identification=self_id,
        )
        try:
            self.candidates.record_application(new)
        except WriteConflict:
            # Someone created this person or this application a moment ago:
            # drop our copies of the files and decide again from fresh reads.
            for key in stored_keys:
                self.files.delete(key)
            logger.info("application write conflict, retrying")
            return None
        except Exception as exc:
            # DynamoDB refused the whole transaction (throttled, cancelled): nothing
            # was stored, so neither may the files be (the client retries). When the
            # outcome is unknown (a timeout, a 5xx) the files stay: they may be in use.
            if getattr(exc, "cause_response_code", None) in _NOT_WRITTEN:
                self._discard(stored_keys)
            raise

        detail = {
            "application_id": application_id,
            "candidate_id": candidate_id,
            "job_id": job.id,
            "channel": channel,
            "board": board,
            # A registered source's name, never the form's free text: events leave
            # the platform (webhooks) and carry no one's words.
            "source": registered_source,
            "source_token": form.source_token,
            "stage": new.first_stage,
            "received_at": clock.iso(now),
            "was_prospect": bool(person and person.kind == "prospect"),
            "documents": sorted(document_records),
        }
        try:
            self.events.publish("application.received", detail)
        except Exception:
            logger.exception(
                "application.received not published", extra={"application_id": application_id}
            )
        return Outcome(receipt, created=True)

    def _discard(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.files.delete(key)
            except Exception:  # the write's own error is the one to report
                logger.exception("an unused file was not deleted", extra={"key": key})

    def _store_documents(
        self, candidate_id: str, application_id: str, documents: list[PreparedDocument]
    ) -> tuple[list[str], dict[str, Any]]:
        keys: list[str] = []
        records: dict[str, Any] = {}
        for doc in documents:
            key = f"applications/{candidate_id}/{application_id}/{doc.purpose}.{doc.kind.extension}"
            if doc.upload_key is not None:
                self.files.copy(doc.upload_key, key, doc.kind.content_type)
            else:
                assert doc.data is not None
                self.files.put(key, doc.data, doc.kind.content_type)
            keys.append(key)
            records[doc.purpose] = {
                "key": key,
                "filename": doc.filename,
                "kind": doc.kind.extension,
                "size": doc.size,
                "sha256": doc.sha256,
            }
        return keys, records

    # --- the rules ---------------------------------------------------------

    def _phone(self, phone: str | None, errors: list[FieldError], names: FieldNamer) -> str | None:
        if phone is None:
            return None
        try:
            return normalise_phone(phone, self.settings.default_phone_region)
        except PhoneRejected as exc:
            errors.append(FieldError(names("phone"), "phone_format", str(exc)))
            return None

    def _answers(
        self,
        job: Job,
        given: dict[int, AnswerValue],
        errors: list[FieldError],
        names: FieldNamer,
    ) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        for question_id in given:
            if job.question(question_id) is None:
                errors.append(
                    FieldError(
                        names(f"answers.{question_id}"),
                        "unknown_question",
                        "is not a question of this job",
                    )
                )
        for question in job.questions:
            field = names(f"answers.{question.id}")
            value = given.get(question.id)
            if value is None or value == "" or value == []:
                if question.required:
                    errors.append(
                        FieldError(field, "required", f"'{question.label}' needs an answer")
                    )
                continue
            result = _check_answer(question.type, value, question.option_ids(), question.max_length)
            if isinstance(result, FieldError):
                errors.append(FieldError(field, result.rule, result.message))
            else:
                cleaned[str(question.id)] = result
        return cleaned

    def _consent(
        self, job: Job, consent: Consent, errors: list[FieldError], names: FieldNamer
    ) -> None:
        policy = job.consent
        if policy.requires_processing_consent and not consent.processing:
            errors.append(
                FieldError(
                    names("consent.processing"),
                    "consent_required",
                    "this job needs consent to process the application",
                )
            )
        if policy.requires_retention_consent and not consent.retention:
            errors.append(
                FieldError(
                    names("consent.retention"),
                    "consent_required",
                    "this job needs consent to retain the application",
                )
            )

    def _self_identification(
        self,
        job: Job,
        given: dict[int, SelfIdAnswer],
        errors: list[FieldError],
        names: FieldNamer,
    ) -> dict[str, Any] | None:
        if not given:
            return None
        questions = {q.id: q for q in job.self_identification}
        answers: dict[str, Any] = {}
        for question_id, answer in given.items():
            field = names(f"self_identification.{question_id}")
            question = questions.get(question_id)
            if question is None:
                errors.append(
                    FieldError(
                        field,
                        "unknown_question",
                        "is not a self-identification question of this job",
                    )
                )
                continue
            options = {o.id: o for o in question.options}
            unknown = [i for i in answer.option_ids if i not in options]
            if unknown:
                errors.append(FieldError(field, "option", f"has no answer option {unknown[0]}"))
                continue
            if not question.multiple and len(answer.option_ids) > 1:
                errors.append(FieldError(field, "single_choice", "takes one answer"))
                continue
            if answer.text and not any(options[i].free_form for i in answer.option_ids):
                errors.append(
                    FieldError(field, "free_text", "text goes with a free-form option only")
                )
                continue
            answers[str(question_id)] = answer.model_dump(exclude_none=True)
        return answers or None

    def _document(
        self,
        job_id: int,
        purpose: str,
        attachment: AttachmentInput,
        errors: list[FieldError],
        names: FieldNamer,
    ) -> PreparedDocument | None:
        field = names(purpose)
        cap = self.settings.inline_file_max_bytes
        upload_key = None
        if attachment.text is not None:
            data = attachment.text.encode("utf-8")
            filename = attachment.filename or f"{purpose}.txt"
        elif attachment.upload_id is not None:
            cap = self.settings.upload_file_max_bytes
            upload_key = self._upload_key(job_id, attachment.upload_id, purpose)
            read = self.files.read(upload_key, cap)
            if read is None:
                errors.append(
                    FieldError(field, "upload_missing", "no file was uploaded with this upload_id")
                )
                return None
            data = read
            filename = attachment.filename or purpose
        elif attachment.content_base64 is not None:
            try:
                data = base64.b64decode(attachment.content_base64, validate=True)
            except (binascii.Error, ValueError):
                errors.append(FieldError(field, "base64", "content is not valid base64"))
                return None
            filename = attachment.filename or purpose
        else:
            data = attachment.data or b""
            filename = attachment.filename or purpose
        if len(data) > cap:
            errors.append(FieldError(field, "file_too_large", f"must be at most {cap} bytes"))
            return None
        kind = identify(data)
        if isinstance(kind, Rejection):
            errors.append(FieldError(field, kind.rule, kind.message))
            return None
        return PreparedDocument(
            purpose=purpose,
            kind=kind,
            filename=filename,
            data=None if upload_key else data,
            upload_key=upload_key,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value.strip()):
        return int(value.strip())
    return None


def _check_answer(kind: QuestionType, value: Any, options: set[int], max_length: int) -> Any:
    """The answer in its stored form, or the rule it breaks."""
    if kind in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        if isinstance(value, list | bool):
            return FieldError("", "text", "must be text")
        text = str(value).strip()
        limit = min(max_length, 255) if kind is QuestionType.SHORT_TEXT else max_length
        if len(text) > limit:
            return FieldError("", "too_long", f"must be at most {limit} characters")
        return text
    if kind is QuestionType.YES_NO:
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return FieldError("", "yes_no", "must be yes or no")
    if kind is QuestionType.SINGLE_SELECT:
        choice = _as_int(value[0] if isinstance(value, list) and len(value) == 1 else value)
        if choice is None or choice not in options:
            return FieldError("", "option", f"must be one of the option ids {sorted(options)}")
        return choice
    values = value if isinstance(value, list) else [value]
    choices = [_as_int(v) for v in values]
    bad = [v for v, c in zip(values, choices, strict=True) if c is None or c not in options]
    if bad:
        return FieldError(
            "", "option", f"{bad[0]!r} is not one of the option ids {sorted(options)}"
        )
    return sorted({c for c in choices if c is not None})
