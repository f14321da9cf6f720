"""Recruiter imports: resumes dropped under ``imports/<pool>/`` become prospects.

Files arrive in the bucket directly (the console, the CLI, a sync job) or
through a presigned upload this service hands out; the resume parser does
the rest (``recruiting.resumes.pipeline``). Here recruiters follow an
import's progress and see each file's outcome and, for a refusal, its reason.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from recruiting.ats.pools import PoolService
from recruiting.auth import Principal
from recruiting.errors import FieldError, ValidationFailed
from recruiting.intake.documents import UPLOAD_CONTENT_TYPES
from recruiting.resumes.safety import MAX_FILE_BYTES
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import ImportFileItem
from recruiting.storage.jobs import decode_cursor, encode_cursor
from recruiting.storage.resumes import ResumeRecords

UPLOAD_SECONDS = 15 * 60
_UNSAFE = re.compile(r"[^\w.() -]+")


class ImportUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    filename: str = Field(min_length=1, max_length=200)
    content_type: str = Field(max_length=100)


def safe_file_name(name: str) -> str:
    """A file name usable as the last part of an S3 key (no slashes, no controls)."""
    value = unicodedata.normalize("NFC", name).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    value = _UNSAFE.sub("_", value).strip(" .")
    return value[:150]


def _file_view(item: ImportFileItem) -> dict[str, Any]:
    return {
        "file": item.file,
        "status": item.status,
        "candidate_id": item.candidate_id,
        "created": item.created,
        "matched_on": item.matched_on,
        "rule": item.rule,
        "message": item.message,
        "updated_at": item.updated_at,
    }


class ImportService:
    def __init__(self, pools: PoolService, records: ResumeRecords, files: ResumeStore) -> None:
        self.pools = pools
        self.records = records
        self.files = files

    def progress(
        self, principal: Principal, pool_id: str, limit: int, cursor: str | None
    ) -> dict[str, Any]:
        self.pools._pool(principal, pool_id)
        summary = self.records.import_summary(pool_id)
        counts = {
            "received": int(summary.received) if summary else 0,
            "parsed": int(summary.parsed) if summary else 0,
            "needs_review": int(summary.needs_review) if summary else 0,
            "failed": int(summary.failed) if summary else 0,
        }
        done = counts["parsed"] + counts["needs_review"] + counts["failed"]
        counts["in_progress"] = max(counts["received"] - done, 0)
        files, next_key = self.records.import_files(
            pool_id, limit, decode_cursor(cursor, partition=("pk", f"IMPORT#{pool_id}"))
        )
        return {
            "pool_id": pool_id,
            "counts": counts,
            "files": [_file_view(f) for f in files],
            "next_cursor": encode_cursor(next_key),
        }

    def upload(
        self, principal: Principal, pool_id: str, request: ImportUploadRequest
    ) -> dict[str, Any]:
        """A presigned POST for one resume into the pool's import folder."""
        self.pools._pool(principal, pool_id)
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type not in UPLOAD_CONTENT_TYPES:
            raise ValidationFailed(
                [
                    FieldError(
                        "content_type",
                        "option",
                        "must be one of " + ", ".join(sorted(UPLOAD_CONTENT_TYPES)),
                    )
                ]
            )
        name = safe_file_name(request.filename)
        if not name:
            raise ValidationFailed([FieldError("filename", "file_name", "has no usable name")])
        key = f"imports/{pool_id}/{name}"
        post = self.files.presigned_post(key, content_type, MAX_FILE_BYTES, UPLOAD_SECONDS)
        return {
            "file": name,
            "key": key,
            "upload": {"url": post["url"], "fields": post["fields"]},
            "expires_in": UPLOAD_SECONDS,
            "max_bytes": MAX_FILE_BYTES,
        }
