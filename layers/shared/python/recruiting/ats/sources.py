"""Sources: where applications come from, so source-of-hire reports are right.

Each job board, campaign, agency or event gets a source with its own token.
Apply links carry the token (``gh_src=<token>``, as Greenhouse's do; the job
feeds add it for the board they are made for), the careers page passes it on
as ``source_token``, and the application records the source's name. Staff
business: admins and recruiters create and list sources.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pynamodb.exceptions import PutError

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.distribution.urls import SOURCE_PATTERN
from recruiting.errors import Conflict
from recruiting.storage.items import SourceItem

# What a token may look like: URL-safe, so it goes into a link as it is.
SourceToken = Annotated[str, Field(pattern=SOURCE_PATTERN)]
PARTITION = "SOURCES"


class SourceKind(StrEnum):
    JOB_BOARD = "job_board"
    CAMPAIGN = "campaign"
    SOCIAL = "social"
    AGENCY = "agency"
    REFERRAL = "referral"
    EVENT = "event"
    OTHER = "other"


class SourceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    name: str = Field(min_length=1, max_length=100)
    kind: SourceKind = SourceKind.JOB_BOARD
    # A readable token of one's own (gh_src=linkedin); one is drawn when absent.
    token: SourceToken | None = None


def source_view(item: SourceItem) -> dict[str, Any]:
    return {
        "token": item.token,
        "name": item.name,
        "kind": item.kind,
        "created_by": item.created_by,
        "created_at": item.created_at,
    }


class SourceRegistry:
    """Sources by token (one partition of the jobs table: they are few)."""

    def get(self, token: str) -> SourceItem | None:
        try:
            return SourceItem.get(PARTITION, f"SOURCE#{token}")
        except SourceItem.DoesNotExist:
            return None

    def name_of(self, token: str | None) -> str | None:
        """The name an application records for the token of its apply link."""
        if not token:
            return None
        source = self.get(token)
        return source.name if source is not None else None

    def all(self) -> list[SourceItem]:
        return list(SourceItem.query(PARTITION, SourceItem.sk.startswith("SOURCE#")))

    def add(self, item: SourceItem) -> None:
        item.save(condition=SourceItem.pk.does_not_exist())


class SourceService:
    def __init__(
        self,
        registry: SourceRegistry,
        now: Callable[[], datetime] = clock.now,
        new_token: Callable[[], str] = lambda: secrets.token_urlsafe(9),
    ) -> None:
        self.registry = registry
        self.now = now
        self.new_token = new_token

    def create(self, principal: Principal, request: SourceRequest) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        token = request.token or self.new_token()
        item = SourceItem(
            PARTITION,
            f"SOURCE#{token}",
            token=token,
            name=request.name,
            kind=request.kind.value,
            created_by=principal.user_id,
            created_at=clock.iso(self.now()),
        )
        try:
            self.registry.add(item)
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise Conflict(f"the token {token!r} names another source") from exc
            raise
        return source_view(item)

    def list(self, principal: Principal) -> list[dict[str, Any]]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        return sorted(
            (source_view(item) for item in self.registry.all()),
            key=lambda source: source["name"].lower(),
        )
