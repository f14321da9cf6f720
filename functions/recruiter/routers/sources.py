"""Sources of applications and their apply-link tokens: /ats/sources."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from recruiter import dependencies
from recruiter.routers.common import body, created_once, principal

router = Router()
TAGS = ["Sources"]


@router.get("/ats/sources", summary="Sources of applications, by name", tags=TAGS)
def list_sources() -> dict[str, Any]:
    return {"sources": dependencies.get().sources.list(principal(router.current_event))}


@router.post(
    "/ats/sources",
    summary="Add a source (a job board, campaign...) and the token its apply links carry",
    description=(
        "Apply links with gh_src=<token> (the careers page passes it on as source_token; the "
        "Greenhouse route reads mapped_url_token) record the source's name on the application."
    ),
    tags=TAGS,
    status_code=201,
)
def create_source() -> dict[str, Any]:
    from recruiting.ats.sources import SourceRequest

    event = router.current_event
    caller = principal(event)
    request = body(event, SourceRequest)
    return created_once(
        event,
        f"source#{caller.user_id}",
        lambda: dependencies.get().sources.create(caller, request),
    )
