"""Job distribution for search engines and job boards (docs/distribution.md).

GET /jobs/{job_id}/posting            schema.org JobPosting JSON-LD (open and closed jobs)
GET /feeds/{board_token}/jobs.xml     the board's open jobs in Indeed's XML feed format
GET /feeds/{board_token}/jobs.json    the same as a JSON Feed 1.1

Every answer says ``Cache-Control: no-cache`` with an ``ETag``: a reader may keep
a copy but asks each time (a matching ``If-None-Match`` gets ``304``), so a job
closed a moment ago is gone from the next read. ``?source=<token>`` puts
``gh_src=<token>`` in every job URL, so applications from that board are
attributed to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from intake import dependencies
from recruiting.distribution.urls import SOURCE_PATTERN

if TYPE_CHECKING:  # the service loads (with storage) at the first request
    from recruiting.distribution.service import Distribution

router = Router()
TAGS = ["Job distribution"]
BOARD_SLUG = r"^[a-z0-9][a-z0-9_-]{0,62}$"
NOT_MODIFIED: dict[str, Any] = {"description": "Not modified: If-None-Match holds the ETag"}


def _documented(media_type: str, schema: dict[str, Any], what: str) -> dict[int, Any]:
    return {
        200: {"description": what, "content": {media_type: {"schema": schema}}},
        304: NOT_MODIFIED,
    }


def _distribution() -> Distribution:
    from recruiting.distribution.service import Distribution
    from recruiting.storage.jobs import JobRepository

    return Distribution(dependencies.get().settings, JobRepository())


def _answer(body: str, media_type: str) -> Response[str]:
    """200 with the body, or 304 when the reader's copy is current."""
    from recruiting.distribution.feeds import etag, not_modified

    tag = etag(body)
    headers = {"Cache-Control": "no-cache", "ETag": tag}
    if not_modified(router.current_event.headers.get("if-none-match"), tag):
        return Response(status_code=304, body="", headers=headers)
    return Response(status_code=200, content_type=media_type, body=body, headers=headers)


@router.get(
    "/jobs/<job_id>/posting",
    summary="A job as schema.org JobPosting JSON-LD (Google for Jobs)",
    tags=TAGS,
    responses=_documented("application/ld+json", {"type": "object"}, "JobPosting JSON-LD"),
)
def job_posting(
    job_id: Annotated[int, Path(ge=1)],
    source: Annotated[str | None, Query(pattern=SOURCE_PATTERN)] = None,
) -> Response[str]:
    from recruiting.distribution.feeds import JSON_LD_MEDIA_TYPE, json_text

    posting = _distribution().job_posting(job_id, source)
    return _answer(json_text(posting), JSON_LD_MEDIA_TYPE)


@router.get(
    "/feeds/<board_token>/jobs.xml",
    summary="A board's open jobs as an XML feed (Indeed's format)",
    tags=TAGS,
    responses=_documented("application/xml", {"type": "string"}, "The XML job feed"),
)
def xml_feed(
    board_token: Annotated[str, Path(pattern=BOARD_SLUG)],
    source: Annotated[str | None, Query(pattern=SOURCE_PATTERN)] = None,
) -> Response[str]:
    from recruiting.distribution.feeds import XML_MEDIA_TYPE

    return _answer(_distribution().xml_feed(board_token, source), XML_MEDIA_TYPE)


@router.get(
    "/feeds/<board_token>/jobs.json",
    summary="A board's open jobs as a JSON Feed 1.1",
    tags=TAGS,
    responses=_documented("application/feed+json", {"type": "object"}, "The JSON Feed"),
)
def json_feed(
    board_token: Annotated[str, Path(pattern=BOARD_SLUG)],
    source: Annotated[str | None, Query(pattern=SOURCE_PATTERN)] = None,
) -> Response[str]:
    from urllib.parse import urlencode

    from recruiting.distribution.feeds import JSON_FEED_MEDIA_TYPE

    settings = dependencies.get().settings
    feed_url = f"{settings.public_api_url.rstrip('/')}/feeds/{board_token}/jobs.json"
    if source is not None:
        feed_url += "?" + urlencode({"source": source})
    body = _distribution().json_feed(board_token, feed_url, source)
    return _answer(body, JSON_FEED_MEDIA_TYPE)
