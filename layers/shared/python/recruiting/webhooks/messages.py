"""What the delivery queue carries, and how long delivery records are kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

# Delivery records expire (TTL) this long after they were written or last redelivered.
RETENTION = timedelta(days=30)


def delivery_message(webhook_id: str, delivery_id: str, series: int) -> dict[str, Any]:
    """One delivery's message: which delivery, and which series of attempts (a
    redelivery by hand starts a new series; messages of an older one are dropped)."""
    return {
        "type": "webhook.delivery",
        "webhook_id": webhook_id,
        "delivery_id": delivery_id,
        "series": series,
    }
