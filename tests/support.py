"""Helpers the tests share: an API client over the real handler, multipart
bodies, and small documents."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from recruiting_local.apigw import HttpRequest, from_result, match, to_event
from recruiting_local.context import LocalContext

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVENTS = ROOT / "events"

# The smallest well-formed PDF we need: the intake checks content, not parsing.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def drain(url: str, handler: Any, name: str, max_batches: int = 50) -> list[str]:
    """Deliver what waits on an SQS queue to a consumer, batch by batch, as the
    local pump does; failed messages stay on the queue. Returns their ids."""
    import boto3
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from recruiting_local.pump import sqs_event

    sqs = boto3.client("sqs")
    failures: list[str] = []
    for _ in range(max_batches):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            break
        try:
            result = handler(sqs_event(messages, "arn:aws:sqs:us-east-1:1:q"), LocalContext(name))
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        except BatchProcessingError:  # every record failed: the invocation errors
            failed = {m["MessageId"] for m in messages}
        for message in messages:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        failures += sorted(failed)
        if failed:
            break
    return failures


def sample_resume_pdf() -> bytes:
    """A real resume PDF from the shared corpus."""
    return (SHARED / "resumes/offlinecv/latex/awesome-cv-resume.pdf").read_bytes()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def field_rules(self) -> set[tuple[str, str]]:
        return {(e["field"], e["rule"]) for e in self.json().get("errors", [])}


class Api:
    """Calls the intake handler with the exact events API Gateway would send."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    def request(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        request = HttpRequest(method, target, list((headers or {}).items()), body)
        resource, params, _ = match(method, target.split("?", 1)[0])
        assert resource is not None, f"no route for {method} {target}"
        event = self.prepare(to_event(request, resource, params))
        result = self.handler(event, LocalContext(resource.function.name))
        response = from_result(result)
        return Reply(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def prepare(self, event: dict[str, Any]) -> dict[str, Any]:
        """What API Gateway adds before the function sees the event."""
        return event

    def get(self, target: str, **query: Any) -> Reply:
        if query:
            target += "?" + urlencode(query)
        return self.request("GET", target)

    def post_json(self, target: str, payload: Any, headers: dict[str, str] | None = None) -> Reply:
        return self.request(
            "POST",
            target,
            json.dumps(payload).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )

    def post_multipart(
        self,
        target: str,
        fields: list[tuple[str, Any]],
        headers: dict[str, str] | None = None,
    ) -> Reply:
        body, content_type = multipart_body(fields)
        return self.request("POST", target, body, {"Content-Type": content_type, **(headers or {})})


def multipart_body(fields: list[tuple[str, Any]]) -> tuple[bytes, str]:
    """fields: (name, "text") or (name, (filename, bytes, content_type))."""
    boundary = "----recruiting" + secrets.token_hex(8)
    chunks: list[bytes] = []
    for name, value in fields:
        chunks.append(f"--{boundary}\r\n".encode())
        if isinstance(value, tuple):
            filename, data, ctype = value
            chunks.append(
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {ctype}\r\n\r\n".encode()
            )
            chunks.append(data)
        else:
            chunks.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            chunks.append(str(value).encode())
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def basic_auth(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def application(**overrides: Any) -> dict[str, Any]:
    """A complete, valid native application to the demo backend job."""
    payload: dict[str, Any] = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "Ada.Lovelace@Example.com",
        "phone": "+49 30 901820",
        "location": "Berlin",
        "links": ["https://github.com/ada"],
        "answers": {"101": "Engines.", "102": "no", "103": [1, 3], "104": 2},
        "consent": {"processing": True, "retention": True},
        "resume": {"filename": "ada.pdf", "content_base64": base64.b64encode(TINY_PDF).decode()},
    }
    payload.update(overrides)
    return payload


class RecruiterApi(Api):
    """Calls the recruiter handler as API Gateway does after the Cognito
    authorizer: the token's claims in ``requestContext.authorizer.claims``."""

    def __init__(self, handler: Any) -> None:
        super().__init__(handler)
        self.claims: dict[str, Any] | None = None

    def as_role(self, role: str, user_id: str | None = None) -> RecruiterApi:
        caller = RecruiterApi(self.handler)
        # REST API authorizers pass every claim as a string.
        caller.claims = {"sub": user_id or f"local-{role}", "cognito:groups": role}
        return caller

    def prepare(self, event: dict[str, Any]) -> dict[str, Any]:
        if self.claims is not None:
            event["requestContext"]["authorizer"] = {"claims": self.claims}
        return event

    def patch_json(self, target: str, payload: Any) -> Reply:
        return self.request(
            "PATCH", target, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )

    def put_json(self, target: str, payload: Any) -> Reply:
        return self.request(
            "PUT", target, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
