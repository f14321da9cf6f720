"""Search for recruiters (admins and recruiters: it spans every job), and the
indexer that keeps the index in step with people's partitions."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import FieldError, ValidationFailed
from recruiting.search.documents import EDUCATION_LEVELS, build
from recruiting.search.index import MAX_QUERY_TERMS, SearchIndex, SearchQuery
from recruiting.search.text import terms
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import ApplicationItem, ParsedResumeItem

MAX_TEXT_BYTES = 1024 * 1024
# A search's results can be enrolled in a sequence up to this many people.
MAX_FOUND = 10_000
# The parser's JSON: its text is capped at 200k characters, so this is ample.
MAX_PARSED_BYTES = 4 * 1024 * 1024


class SearchService:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def search(
        self,
        principal: Principal,
        keywords: str,
        *,
        location: str | None = None,
        min_years: float | None = None,
        education_level: str | None = None,
        pool: str | None = None,
        tag: str | None = None,
        stage: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        wanted = terms(keywords)
        if not wanted:
            raise ValidationFailed(
                [FieldError("q", "keywords", "give at least one keyword (not only stop words)")]
            )
        if len(wanted) > MAX_QUERY_TERMS:
            raise ValidationFailed(
                [FieldError("q", "too_many_keywords", f"at most {MAX_QUERY_TERMS} keywords")]
            )
        if education_level is not None and education_level not in EDUCATION_LEVELS:
            raise ValidationFailed(
                [FieldError("education", "enum", f"one of {', '.join(EDUCATION_LEVELS)}")]
            )
        page = self.index.search(
            SearchQuery(
                terms=tuple(wanted),
                location=location,
                min_years=min_years,
                education_level=education_level,
                pool=pool,
                tag=tag,
                stage=stage,
            ),
            offset,
            limit,
        )
        following = offset + limit
        return {
            "keywords": wanted,
            "total": page.total,
            "results": [asdict(hit) for hit in page.hits],
            "next_offset": following if following < page.total else None,
        }

    def candidate_ids(
        self, principal: Principal, keywords: str, field: str = "q", **filters: Any
    ) -> list[str]:
        """Everyone a search finds (best first, at most ``MAX_FOUND``), for enrolling.
        A refusal names the keywords as ``field`` (where the caller's request has them)."""
        found: list[str] = []
        offset: int | None = 0
        while offset is not None and len(found) < MAX_FOUND:
            try:
                page = self.search(principal, keywords, offset=offset, limit=100, **filters)
            except ValidationFailed as refused:
                prefix = field.removesuffix("q")
                raise ValidationFailed(
                    [FieldError(prefix + e.field, e.rule, e.message) for e in refused.errors]
                ) from None
            found += [hit["candidate_id"] for hit in page["results"]]
            offset = page["next_offset"]
        return list(dict.fromkeys(found))[:MAX_FOUND]


class SearchIndexer:
    """Rebuilds one person's search document from their partition."""

    def __init__(
        self,
        applications: ApplicationRepository,
        files: ResumeStore,
        index: SearchIndex,
        today: Callable[[], date] = lambda: clock.now().date(),
    ) -> None:
        self.applications = applications
        self.files = files
        self.index = index
        self.today = today

    def _texts(self, items: list[Any]) -> list[str]:
        """The parser's text of each resume; a plain-text document not yet parsed
        is read as it is."""
        texts = []
        parsed = [i for i in items if isinstance(i, ParsedResumeItem)]
        for item in parsed:
            data = self.files.read(item.text_key, MAX_PARSED_BYTES)
            if data and len(data) <= MAX_PARSED_BYTES:
                text = json.loads(data).get("text") or ""
                texts.append(text[:MAX_TEXT_BYTES])
        done = {i.document_key for i in parsed}
        for application in (i for i in items if isinstance(i, ApplicationItem)):
            documents = application.documents.as_dict() if application.documents else {}
            for document in documents.values():
                if document.get("kind") == "txt" and document["key"] not in done:
                    data = self.files.read(document["key"], MAX_TEXT_BYTES)
                    if data:
                        texts.append(data[:MAX_TEXT_BYTES].decode("utf-8", errors="replace"))
        return texts

    def reindex(self, candidate_id: str) -> bool:
        """True when the person is indexed, False when they no longer exist."""
        items = self.applications.partition(candidate_id)
        document = build(items, self._texts(items), self.today())
        if document is None:
            self.index.remove(candidate_id)
            return False
        self.index.index(document)
        return True

    def handle(self, detail_type: str, detail: dict[str, Any]) -> None:
        if detail_type == "candidate.merged":
            self.index.remove(str(detail["merged"]))
            self.reindex(str(detail["kept"]))
            return
        self.reindex(str(detail["candidate_id"]))
