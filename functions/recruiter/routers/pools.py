"""Talent pools: /ats/pools."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from recruiter import dependencies
from recruiter.routers.common import body, created_once, principal

router = Router()
TAGS = ["Talent pools"]
POOL_ID = r"^[0-9a-f]{32}$"
CANDIDATE_ID = r"^[0-9a-f]{32}$|^[A-Za-z0-9_-]{1,64}$"


@router.get("/ats/pools", summary="Talent pools by name", tags=TAGS)
def list_pools() -> dict[str, Any]:
    return {"pools": dependencies.get().pools.list(principal(router.current_event))}


@router.post("/ats/pools", summary="Create a talent pool", tags=TAGS, status_code=201)
def create_pool() -> dict[str, Any]:
    from recruiting.ats.pools import PoolRequest

    event = router.current_event
    caller = principal(event)
    request = body(event, PoolRequest)
    return created_once(
        event, f"pool#{caller.user_id}", lambda: dependencies.get().pools.create(caller, request)
    )


@router.get("/ats/pools/<pool_id>", summary="A pool and its members, newest first", tags=TAGS)
def get_pool(
    pool_id: Annotated[str, Path(pattern=POOL_ID)],
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    return dependencies.get().pools.members(principal(router.current_event), pool_id, limit, cursor)


@router.put("/ats/pools/<pool_id>/candidates/<candidate_id>", summary="Add to a pool", tags=TAGS)
def add_member(
    pool_id: Annotated[str, Path(pattern=POOL_ID)],
    candidate_id: Annotated[str, Path(pattern=CANDIDATE_ID)],
) -> dict[str, Any]:
    return dependencies.get().pools.add(principal(router.current_event), pool_id, candidate_id)


@router.delete(
    "/ats/pools/<pool_id>/candidates/<candidate_id>",
    summary="Remove from a pool",
    tags=TAGS,
    responses={204: {"description": "Removed (or was not in the pool)", "content": {}}},
)
def remove_member(
    pool_id: Annotated[str, Path(pattern=POOL_ID)],
    candidate_id: Annotated[str, Path(pattern=CANDIDATE_ID)],
) -> Response[str]:
    dependencies.get().pools.remove(principal(router.current_event), pool_id, candidate_id)
    return Response(status_code=204, body="")


@router.get(
    "/ats/pools/<pool_id>/imports",
    summary="An import's progress: counts and each file's outcome",
    tags=TAGS,
)
def import_progress(
    pool_id: Annotated[str, Path(pattern=POOL_ID)],
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    return dependencies.get().imports.progress(
        principal(router.current_event), pool_id, limit, cursor
    )


@router.post(
    "/ats/pools/<pool_id>/imports",
    summary="A presigned upload of one resume into the pool's import",
    tags=TAGS,
    status_code=201,
)
def import_upload(pool_id: Annotated[str, Path(pattern=POOL_ID)]) -> dict[str, Any]:
    from recruiting.ats.imports import ImportUploadRequest

    event = router.current_event
    request = body(event, ImportUploadRequest)
    return dependencies.get().imports.upload(principal(event), pool_id, request)
