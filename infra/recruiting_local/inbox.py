"""Local stand-in for SES receiving: ``.eml`` files dropped into an inbox directory.

In the stack, SES receives mail for the reply domain, stores it and publishes a
``Received`` notification through SNS to the outreach queue. Locally, a message saved
as ``<inbox>/<anything>.eml`` (a reply written by hand, or an outbox e-mail answered in a
mail client and saved) becomes the same notification on the same queue; the file is
then renamed ``.received`` so it is delivered once.
"""

from __future__ import annotations

import hashlib
import json
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Any

from recruiting import clock


def notification(raw: bytes, object_key: str) -> dict[str, Any]:
    """The ``Received`` notification SES publishes after an S3 receipt action."""
    message = BytesHeaderParser(policy=default).parsebytes(raw)
    headers = [{"name": name, "value": str(value)} for name, value in message.items()]
    recipients = [
        address
        for _, address in getaddresses(
            [str(v) for name in ("To", "Cc", "Delivered-To") for v in message.get_all(name, [])]
        )
        if address
    ]
    source = parseaddr(str(message.get("Return-Path") or message.get("From") or ""))[1]
    at = clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    passed = {"status": "PASS"}
    return {
        "notificationType": "Received",
        "receipt": {
            "timestamp": at,
            "recipients": recipients,
            "spamVerdict": passed,
            "virusVerdict": passed,
            "spfVerdict": passed,
            "dkimVerdict": passed,
            "dmarcVerdict": passed,
            "action": {"type": "S3", "bucketName": "local-inbox", "objectKey": object_key},
        },
        "mail": {
            "timestamp": at,
            "source": source,
            "messageId": hashlib.sha256(raw).hexdigest()[:32],
            "destination": recipients,
            "headersTruncated": False,
            "headers": headers,
            "commonHeaders": {
                "from": [str(v) for v in message.get_all("From", [])],
                "to": [str(v) for v in message.get_all("To", [])],
                "subject": str(message.get("Subject") or ""),
            },
        },
    }


def sns_envelope(message: dict[str, Any]) -> str:
    """The SQS body an SNS subscription delivers (raw message delivery off)."""
    return json.dumps({"Type": "Notification", "Message": json.dumps(message)})


def collect(inbox: Path) -> list[tuple[Path, str]]:
    """Each new ``.eml`` file in ``inbox`` as an SQS body, renaming it so it is taken once."""
    bodies: list[tuple[Path, str]] = []
    for path in sorted(inbox.glob("*.eml")):
        taken = path.with_suffix(".received")
        try:
            path.rename(taken)
        except OSError:
            continue  # gone, or taken by another pass
        bodies.append((taken, sns_envelope(notification(taken.read_bytes(), path.name))))
    return bodies
