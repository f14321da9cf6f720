"""The local API: HTTP in, API Gateway events to the real handlers, HTTP out."""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger

from recruiting import wiring
from recruiting.http import document_errors, error_response
from recruiting_local.apigw import HttpRequest, HttpResponse, from_result, match, to_event
from recruiting_local.pump import context_for
from recruiting_local.tokens import LocalIssuer

logger = Logger(service="local-runner")
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
# The careers page (careers/ at the project's root), served at /careers/.
CAREERS_PAGE = Path(__file__).resolve().parents[2] / "careers"
PAGE_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
PREFLIGHT_HEADERS = [
    ("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type,Authorization,Idempotency-Key,X-Amz-Date"),
    ("Access-Control-Max-Age", "600"),
]


class Functions:
    """Loads each function's handler once and runs one invocation at a time per
    function, as one warm Lambda container would."""

    def __init__(self) -> None:
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._locks = {f.name: threading.Lock() for f in wiring.FUNCTIONS}

    def handler(self, function: wiring.Function) -> Callable[..., Any]:
        if function.name not in self._handlers:
            module = importlib.import_module(function.module)
            self._handlers[function.name] = getattr(module, function.attribute)
        return self._handlers[function.name]

    def invoke(self, function: wiring.Function, event: dict[str, Any]) -> Any:
        handler = self.handler(function)
        with self._locks[function.name]:
            return handler(event, context_for(function))


GATEWAY_REFUSAL: dict[str, Any] = {
    "type": "object",
    "title": "GatewayRefusal",
    "required": ["message"],
    "properties": {"message": {"type": "string"}},
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI documents of every API function, merged into one, with the
    refusals each function and API Gateway in front of them can answer."""
    document: dict[str, Any] = {}
    for function in wiring.FUNCTIONS:
        if not function.routes:
            continue
        module = importlib.import_module(function.module)
        schema: dict[str, Any] = module.openapi_document()
        if not document:
            document = schema
            continue
        document["paths"].update(schema.get("paths", {}))
        for section, entries in schema.get("components", {}).items():
            document.setdefault("components", {}).setdefault(section, {}).update(entries)
    document_errors(document)
    # The authorizer refuses a missing or bad token itself: {"message": "Unauthorized"}.
    document["components"]["schemas"]["GatewayRefusal"] = GATEWAY_REFUSAL
    unauthorized = error_response("GatewayRefusal", "No valid bearer token")
    for operations in document["paths"].values():
        for operation in operations.values():
            if operation.get("security"):
                operation["responses"]["401"] = unauthorized
    return document


def _json(status: int, body: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(body).encode())


def allowed_origins() -> tuple[str, ...]:
    """The careers-site origins CORS lets in, as the stack's settings name them."""
    return tuple(
        o.strip().rstrip("/")
        for o in os.environ.get("CAREERS_SITE_ORIGINS", "").split(",")
        if o.strip()
    )


def careers_page(path: str) -> HttpResponse | None:
    """The careers page's files, or None when the path is not the page's."""
    if path == "/careers":
        return HttpResponse(308, [("Location", "/careers/")], b"")
    if not path.startswith("/careers/"):
        return None
    name = path.removeprefix("/careers/") or "index.html"
    file = CAREERS_PAGE / name
    if "/" in name or name.startswith(".") or file.suffix not in PAGE_TYPES or not file.is_file():
        return _json(404, {"message": "Not Found"})
    headers = [
        ("Content-Type", PAGE_TYPES[file.suffix]),
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if file.suffix == ".html":
        # The page talks to this API and posts large files to the embedded S3.
        s3 = os.environ.get("AWS_ENDPOINT_URL", "")
        headers += [
            (
                "Content-Security-Policy",
                f"default-src 'self'; connect-src 'self' {s3}; img-src 'self' data:;"
                " object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
            ),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ]
    return HttpResponse(200, headers, file.read_bytes())


def make_server(
    host: str, port: int, functions: Functions, issuer: LocalIssuer
) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "recruiting-local"

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("http", extra={"line": format % args})

        def _send(self, response: HttpResponse) -> None:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(_json(413, {"message": "Request Too Long"}))
                self.close_connection = True
                return
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            if self.command == "GET" and path == "/openapi.json":
                self._send(_json(200, openapi_document()))
                return
            origin = self.headers.get("Origin")
            cors = (
                [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
                if origin and origin in allowed_origins()
                else [("Vary", "Origin")]
            )
            page = careers_page(path) if self.command in ("GET", "HEAD") else None
            if page is not None:
                # Module scripts load in CORS mode, so an embedding site needs this too.
                self._send(HttpResponse(page.status, page.headers + cors, page.body))
                return
            if self.command == "OPTIONS":
                # API Gateway's preflight: only the configured careers-site origins.
                self._send(HttpResponse(204, PREFLIGHT_HEADERS + cors, b""))
                return
            resource, params, path_known = match(self.command, path)
            if resource is None:
                # API Gateway's own answers for unknown resources and methods.
                status = 403 if not path_known else 405
                self._send(
                    _json(
                        status,
                        {
                            "message": "Missing Authentication Token"
                            if status == 403
                            else "Method Not Allowed"
                        },
                    )
                )
                return
            request = HttpRequest(
                self.command, self.path, list(self.headers.items()), body, self.client_address[0]
            )
            event = to_event(request, resource, params)
            if resource.route.auth == "recruiter":
                claims = issuer.verify(self.headers.get("Authorization"))
                if claims is None:
                    self._send(_json(401, {"message": "Unauthorized"}))
                    return
                event["requestContext"]["authorizer"] = {"claims": claims}
            try:
                result = functions.invoke(resource.function, event)
            except Exception:
                logger.exception("function failed", extra={"function": resource.function.name})
                self._send(_json(502, {"message": "Internal server error"}))
                return
            self._send(from_result(result))

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle

        def __getattr__(self, name: str) -> Any:
            # Any other method (HEAD, TRACE, QUERY...) gets API Gateway's answer
            # for a method the resource does not declare, not http.server's 501.
            if name.startswith("do_"):
                return self._handle
            raise AttributeError(name)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
