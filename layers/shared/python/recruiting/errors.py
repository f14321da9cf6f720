"""Domain errors. Each maps to one HTTP answer in one place (the handler).

Services raise these; they never build HTTP responses themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One broken rule: which field, which rule, and a sentence for people."""

    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class DomainError(Exception):
    """Base of the errors a client can cause; never a 5xx."""

    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """The request broke one or more rules; nothing was stored."""

    code = "validation_failed"

    def __init__(self, errors: list[FieldError], message: str = "") -> None:
        self.errors = errors
        super().__init__(message or "; ".join(f"{e.field}: {e.message}" for e in errors))


class MalformedRequest(DomainError):
    """The body could not be read at all (bad JSON, broken multipart)."""

    code = "malformed_request"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class NotFound(DomainError):
    code = "not_found"


class JobClosed(DomainError):
    """The job exists but no longer takes applications."""

    code = "job_closed"


class Unauthorized(DomainError):
    code = "unauthorized"


class Conflict(DomainError):
    code = "conflict"


class Forbidden(DomainError):
    """The caller is known but their role does not allow this."""

    code = "forbidden"


class Unauthenticated(DomainError):
    code = "unauthenticated"
