"""Privacy requests (admins): export everything held about a person, erase them, see
the erasure's audit; consent recorded by staff."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from recruiter import dependencies
from recruiter.routers.candidates import ID
from recruiter.routers.common import body, principal
from recruiting.auth import Role, require

router = Router()
TAGS = ["Privacy"]
CANDIDATE = "/ats/candidates/<candidate_id>"


@router.get(
    f"{CANDIDATE}/privacy-export",
    summary="Everything held about a person, with links to their files (admins)",
    tags=TAGS,
)
def export(candidate_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    return dependencies.get().privacy.export(principal(router.current_event), candidate_id)


@router.post(
    f"{CANDIDATE}/erasure",
    summary="Erase a person (admins); done asynchronously, asking again is harmless",
    tags=TAGS,
    status_code=202,
)
def erase(candidate_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    return dependencies.get().privacy.request_erasure(principal(router.current_event), candidate_id)


@router.get(
    f"{CANDIDATE}/erasure",
    summary="The audit of a person's erasure or anonymisation (ids and counts only)",
    tags=TAGS,
)
def erasure(candidate_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    return dependencies.get().privacy.erasure(principal(router.current_event), candidate_id)


@router.post(
    f"{CANDIDATE}/consents",
    summary="Record consent a person gave or withdrew (time, policy version, how)",
    tags=TAGS,
    status_code=201,
)
def record_consent(candidate_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    from recruiting.privacy.service import ConsentRequest

    event = router.current_event
    caller = principal(event)
    require(caller, Role.ADMIN, Role.RECRUITER)  # 403 before any 422
    request = body(event, ConsentRequest)
    return dependencies.get().privacy.record_consent(caller, candidate_id, request)
