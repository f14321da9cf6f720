"""The search index behind a protocol, and its DynamoDB implementation.

Scale (measured by `make bench`, docs/search.md): a person has a posting per
distinct keyword, each carrying the facets, so a search reads one Query per
keyword (filtered by the facets) and one BatchGet for the page shown. Cost
grows with how many people share the rarest keyword, not with the whole base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition

from recruiting.search.documents import EDUCATION_LEVELS, SearchDocument
from recruiting.storage.items import SearchDocItem, SearchTableItem, TermItem

MAX_QUERY_TERMS = 8


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[str, ...]
    location: str | None = None
    min_years: float | None = None
    education_level: str | None = None  # at least this level
    pool: str | None = None
    tag: str | None = None
    stage: str | None = None


@dataclass
class SearchHit:
    candidate_id: str
    name: str
    location: str | None
    years_experience: float
    education_level: str
    tags: list[str]
    stages: list[str]


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int


class SearchIndex(Protocol):
    """The seam: DynamoDB today, OpenSearch beyond its scale."""

    def index(self, document: SearchDocument) -> None: ...

    def remove(self, candidate_id: str) -> None: ...

    def search(self, query: SearchQuery, offset: int, limit: int) -> SearchPage: ...


def _facets(document: SearchDocument) -> dict[str, Any]:
    return {
        "location": (document.location or "").lower() or None,
        "years_experience": document.years_experience,
        "education_rank": EDUCATION_LEVELS.index(document.education_level),
        "tags": document.tags,
        "pools": document.pools,
        "stages": document.stages,
    }


class DynamoSearchIndex:
    def _document(self, candidate_id: str) -> SearchDocItem | None:
        try:
            return SearchDocItem.get(f"DOC#{candidate_id}", "DOC")
        except DoesNotExist:
            return None

    def index(self, document: SearchDocument) -> None:
        """Write the person's postings and document; drop keywords they lost."""
        previous = self._document(document.candidate_id)
        old_terms = {str(t) for t in previous.terms or []} if previous else set()
        facets = _facets(document)
        sk = f"CAND#{document.candidate_id}"
        with TermItem.batch_write() as batch:
            for term in old_terms - set(document.terms):
                batch.delete(TermItem(f"TERM#{term}", sk))
            # Every posting is rewritten: the facets on it may have changed.
            for term in document.terms:
                batch.save(
                    TermItem(f"TERM#{term}", sk, candidate_id=document.candidate_id, **facets)
                )
        SearchDocItem(
            f"DOC#{document.candidate_id}",
            "DOC",
            candidate_id=document.candidate_id,
            name=document.name,
            location_display=document.location,
            education_level=document.education_level,
            terms=document.terms,
            **facets,
        ).save()

    def remove(self, candidate_id: str) -> None:
        previous = self._document(candidate_id)
        if previous is None:
            return
        with TermItem.batch_write() as batch:
            for term in previous.terms or []:
                batch.delete(TermItem(f"TERM#{term}", f"CAND#{candidate_id}"))
        previous.delete()

    @staticmethod
    def _filter(query: SearchQuery) -> Condition | None:
        clauses: list[Condition] = []
        if query.location:
            clauses.append(SearchTableItem.location.contains(query.location.lower()))
        if query.min_years is not None:
            clauses.append(SearchTableItem.years_experience >= query.min_years)
        if query.education_level:
            clauses.append(
                SearchTableItem.education_rank >= EDUCATION_LEVELS.index(query.education_level)
            )
        if query.pool:
            clauses.append(SearchTableItem.pools.contains(query.pool))
        if query.tag:
            clauses.append(SearchTableItem.tags.contains(query.tag))
        if query.stage:
            clauses.append(SearchTableItem.stages.contains(query.stage))
        condition = None
        for clause in clauses:
            condition = clause if condition is None else condition & clause
        return condition

    def search(self, query: SearchQuery, offset: int, limit: int) -> SearchPage:
        condition = self._filter(query)
        matched: set[str] | None = None
        for term in query.terms[:MAX_QUERY_TERMS]:
            results = TermItem.query(f"TERM#{term}", filter_condition=condition)
            found = {item.candidate_id for item in results}
            matched = found if matched is None else matched & found
            if not matched:
                break
        ordered = sorted(matched or set())
        page_ids = ordered[offset : offset + limit]
        documents = {}
        if page_ids:
            documents = {
                d.candidate_id: d
                for d in SearchDocItem.batch_get([(f"DOC#{cid}", "DOC") for cid in page_ids])
            }
        hits = [
            SearchHit(
                candidate_id=cid,
                name=documents[cid].name,
                location=documents[cid].location_display,
                years_experience=float(documents[cid].years_experience),
                education_level=documents[cid].education_level,
                tags=[str(t) for t in documents[cid].tags or []],
                stages=[str(t) for t in documents[cid].stages or []],
            )
            for cid in page_ids
            if cid in documents
        ]
        return SearchPage(hits=hits, total=len(ordered))
