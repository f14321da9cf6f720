"""Domain events onto the EventBridge bus: the integration point for other systems.

Event details carry ids only, never names, addresses or resume text.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from botocore.config import Config

logger = Logger(child=True)

SOURCE = "recruiting"
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})


class EventPublishFailed(Exception):
    """EventBridge refused the event after retries."""


class EventPublisher:
    def __init__(self, bus_name: str, client: Any | None = None) -> None:
        self.bus_name = bus_name
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("events", config=_CONFIG)
        return self._client

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        response = self.client.put_events(
            Entries=[
                {
                    "Source": SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail, separators=(",", ":"), default=str),
                    "EventBusName": self.bus_name,
                }
            ]
        )
        if response.get("FailedEntryCount"):
            entry = response["Entries"][0]
            raise EventPublishFailed(f"{entry.get('ErrorCode')}: {entry.get('ErrorMessage')}")

    def announce(self, detail_type: str, detail: dict[str, Any]) -> None:
        """Publish after a committed change: a failure is logged, never raised,
        because the change itself has happened (see docs/intake.md, known gap)."""
        try:
            self.publish(detail_type, detail)
        except Exception:
            logger.exception("event not published", extra={"detail_type": detail_type})
