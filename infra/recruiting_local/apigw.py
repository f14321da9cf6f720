"""HTTP requests to API Gateway REST proxy events (payload 1.0) and back.

The runner and the tests both use this, so a handler sees locally exactly
what API Gateway would hand it: the matched resource and path parameters,
single- and multi-value headers and query strings, and a base64 body for the
binary media types the stack declares.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from recruiting import wiring

_PARAM = re.compile(r"\{([^}/]+)\}")


def _pattern(path: str) -> re.Pattern[str]:
    """/jobs/{job_id} -> ^/jobs/(?P<job_id>[^/]+)$"""
    segments = []
    for segment in path.strip("/").split("/"):
        param = _PARAM.fullmatch(segment)
        segments.append(f"(?P<{param.group(1)}>[^/]+)" if param else re.escape(segment))
    return re.compile("^/" + "/".join(segments) + "$")


@dataclass(frozen=True)
class Resource:
    function: wiring.Function
    route: wiring.Route
    pattern: re.Pattern[str]


def routes() -> list[Resource]:
    """Every declared route, most specific (fewest parameters) first."""
    resources = [
        Resource(function, route, _pattern(route.path))
        for function in wiring.FUNCTIONS
        for route in function.routes
    ]
    return sorted(resources, key=lambda r: (r.route.path.count("{"), -len(r.route.path)))


def match(method: str, path: str) -> tuple[Resource | None, dict[str, str], bool]:
    """The declared route for a request; the flag says the path exists for another method."""
    path_known = False
    for resource in routes():
        found = resource.pattern.match(path)
        if found:
            path_known = True
            if resource.route.method == method:
                return resource, {k: unquote(v) for k, v in found.groupdict().items()}, True
    return None, {}, path_known


@dataclass
class HttpRequest:
    method: str
    target: str  # path with query string, as on the request line
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    source_ip: str = "127.0.0.1"


def to_event(
    request: HttpRequest, resource: Resource, path_parameters: dict[str, str]
) -> dict[str, Any]:
    parts = urlsplit(request.target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)
    content_type = next((v for k, v in request.headers if k.lower() == "content-type"), "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    binary = media_type in wiring.BINARY_MEDIA_TYPES
    body: str | None
    if not request.body:
        body = None
    elif binary:
        body = base64.b64encode(request.body).decode("ascii")
    else:
        body = request.body.decode("utf-8", errors="replace")
    now = time.time()
    return {
        "version": "1.0",
        "resource": resource.route.path,
        "path": parts.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource.route.path,
            "httpMethod": request.method,
            "path": f"/api{parts.path}",
            "stage": "api",
            "requestId": str(uuid.uuid4()),
            "extendedRequestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "protocol": "HTTP/1.1",
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "127.0.0.1",
            "domainPrefix": "local",
            "resourceId": "local",
            "identity": {"sourceIp": request.source_ip, "userAgent": headers.get("User-Agent")},
        },
        "body": body,
        "isBase64Encoded": bool(body) and binary,
    }


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def from_result(result: dict[str, Any]) -> HttpResponse:
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    headers: list[tuple[str, str]] = []
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(v)) for v in values)
    seen = {name.lower() for name, _ in headers}
    for name, value in (result.get("headers") or {}).items():
        if name.lower() not in seen:
            headers.append((name, str(value)))
    return HttpResponse(int(result.get("statusCode", 502)), headers, data)
