"""Unsubscribe links from outreach e-mails: GET asks, POST (one-click) unsubscribes."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from intake import dependencies

router = Router()
TAGS = ["Unsubscribe"]
LINK = r"^[0-9a-f]{32}\.[0-9a-f]{32}$"  # <candidate id>.<HMAC>
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# People open these links in a browser: the answers are HTML pages (a path that
# breaks the link pattern gets the usual JSON 422 before any page).
PAGE: dict[str, Any] = {"text/html": {"schema": {"type": "string"}}}
PAGES: dict[int, Any] = {
    200: {"description": "An HTML page", "content": PAGE},
    404: {"description": "An HTML page: the link is not valid", "content": PAGE},
}


def _html(status: int, body: str) -> Response[str]:
    return Response(
        status_code=status, content_type=content_types.TEXT_HTML, body=body, headers=HEADERS
    )


@router.get(
    "/unsubscribe/<token>",
    summary="Confirm unsubscribing (changes nothing)",
    tags=TAGS,
    responses=PAGES,
)
def confirm(token: Annotated[str, Path(pattern=LINK)]) -> Response[str]:
    return _html(*dependencies.get().unsubscribes.confirmation(token))


@router.post(
    "/unsubscribe/<token>", summary="Unsubscribe (RFC 8058 one-click)", tags=TAGS, responses=PAGES
)
def unsubscribe(token: Annotated[str, Path(pattern=LINK)]) -> Response[str]:
    return _html(*dependencies.get().unsubscribes.unsubscribe(token))
