"""Talent pools: named groups of people the team wants to keep close.

A membership sits under the person, so it survives when a prospect applies
(they keep their candidate id). Pools are staff business: admins and
recruiters only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import NotFound
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.events import EventPublisher
from recruiting.storage.items import CandidateItem, MembershipItem, PoolItem


class PoolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=2000)


def pool_view(pool: PoolItem) -> dict[str, Any]:
    return {
        "pool_id": pool.pool_id,
        "name": pool.name,
        "description": pool.description,
        "created_by": pool.created_by,
        "created_at": pool.created_at,
    }


class PoolService:
    def __init__(
        self,
        applications: ApplicationRepository,
        events: EventPublisher | None = None,
        now: Callable[[], datetime] = clock.now,
        new_id: Callable[[], str] = clock.new_id,
    ) -> None:
        self.applications = applications
        self.events = events
        self.now = now
        self.new_id = new_id

    def create(self, principal: Principal, request: PoolRequest) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        pool_id = self.new_id()
        pool = PoolItem(
            f"POOL#{pool_id}",
            "POOL",
            pool_id=pool_id,
            name=request.name,
            description=request.description,
            created_by=principal.user_id,
            created_at=clock.iso(self.now()),
            gsi2pk="POOLS",
            gsi2sk=f"{request.name.lower()}#{pool_id}",
        )
        self.applications.create_pool(pool)
        return pool_view(pool)

    def list(self, principal: Principal) -> list[dict[str, Any]]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        return [pool_view(p) for p in self.applications.pools()]

    def _pool(self, principal: Principal, pool_id: str) -> PoolItem:
        require(principal, Role.ADMIN, Role.RECRUITER)
        pool = self.applications.get_pool(pool_id)
        if pool is None:
            raise NotFound(f"no pool {pool_id}")
        return pool

    def members(
        self, principal: Principal, pool_id: str, limit: int, cursor: str | None
    ) -> dict[str, Any]:
        pool = self._pool(principal, pool_id)
        ids, next_cursor = self.applications.members(pool_id, limit, cursor)
        people = {
            p.candidate_id: p
            for p in CandidateItem.batch_get([(f"CAND#{i}", "PROFILE") for i in ids])
        }
        return {
            **pool_view(pool),
            "members": [
                {
                    "candidate_id": i,
                    "first_name": people[i].first_name,
                    "last_name": people[i].last_name,
                    "kind": people[i].kind,
                }
                for i in ids
                if i in people
            ],
            "next_cursor": next_cursor,
        }

    def add(self, principal: Principal, pool_id: str, candidate_id: str) -> dict[str, Any]:
        self._pool(principal, pool_id)
        if self.applications.get_candidate(candidate_id) is None:
            raise NotFound(f"no candidate {candidate_id}")
        now = clock.iso(self.now())
        added = self.applications.add_member(
            MembershipItem(
                f"CAND#{candidate_id}",
                f"POOL#{pool_id}",
                pool_id=pool_id,
                candidate_id=candidate_id,
                added_by=principal.user_id,
                added_at=now,
                gsi1pk=f"POOL#{pool_id}",
                gsi1sk=f"{now}#{candidate_id}",
            )
        )
        if added:
            self._announce(principal, candidate_id)
        return {"pool_id": pool_id, "candidate_id": candidate_id, "added": added}

    def _announce(self, principal: Principal, candidate_id: str) -> None:
        if self.events is not None:
            self.events.announce(
                "candidate.updated",
                {"candidate_id": candidate_id, "change": "pools", "actor": principal.user_id},
            )

    def remove(self, principal: Principal, pool_id: str, candidate_id: str) -> None:
        self._pool(principal, pool_id)
        self.applications.remove_member(pool_id, candidate_id)
        self._announce(principal, candidate_id)
