"""Time and identifiers, in one place so tests can fix them."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Sortable UTC timestamp used in keys: 2026-11-25T17:54:30.123456Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(value: str) -> datetime:
    """The instant a stored timestamp names (``iso``'s format, or any ISO 8601 with an
    offset), as an aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def month(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def new_id() -> str:
    """A random 128-bit id as 32 hex characters (no PII, not guessable)."""
    return secrets.token_hex(16)
