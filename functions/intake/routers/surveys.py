"""Experience survey links from e-mails: GET shows the form, POST records it once."""

from __future__ import annotations

import base64
from typing import Annotated
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from intake import dependencies
from intake.routers.unsubscribe import HEADERS, LINK, PAGE, PAGES

router = Router()
TAGS = ["Surveys"]
APPLICATION_ID = r"^[0-9a-f]{32}$"
MAX_FORM = 10_000


def _html(status: int, body: str) -> Response[str]:
    return Response(
        status_code=status, content_type=content_types.TEXT_HTML, body=body, headers=HEADERS
    )


@router.get(
    "/surveys/<application_id>/<token>", summary="The survey form", tags=TAGS, responses=PAGES
)
def form(
    application_id: Annotated[str, Path(pattern=APPLICATION_ID)],
    token: Annotated[str, Path(pattern=LINK)],
) -> Response[str]:
    return _html(*dependencies.get().surveys.form(application_id, token))


@router.post(
    "/surveys/<application_id>/<token>",
    summary="Answer the survey",
    tags=TAGS,
    responses={
        **PAGES,
        422: {
            "description": "An HTML page naming the missing answer, or (a path that breaks"
            " the link pattern) the JSON refusal",
            "content": {
                **PAGE,
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
            },
        },
    },
)
def answer(
    application_id: Annotated[str, Path(pattern=APPLICATION_ID)],
    token: Annotated[str, Path(pattern=LINK)],
) -> Response[str]:
    event = router.current_event
    raw = event.body or ""
    if event.is_base64_encoded:
        raw = base64.b64decode(raw).decode("utf-8", errors="replace")
    fields = {k: v[0] for k, v in parse_qs(raw[:MAX_FORM]).items()}
    return _html(*dependencies.get().surveys.answer(application_id, token, fields))
