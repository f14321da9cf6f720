"""Signed links in e-mails: whoever holds the link may act on it, nobody can forge one."""

from __future__ import annotations

import hashlib
import hmac
import re

_TOKEN = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{32})$")


def sign(candidate_id: str, purpose: str, key: str) -> str:
    if not key:
        raise RuntimeError("no link signing key (LINK_SIGNING_KEY)")
    digest = hmac.new(key.encode(), f"{purpose}:{candidate_id}".encode(), hashlib.sha256)
    return f"{candidate_id}.{digest.hexdigest()[:32]}"


def verify(token: str, purpose: str, key: str) -> str | None:
    """The candidate a token was made for, or None for anything forged or malformed."""
    match = _TOKEN.match(token)
    if match is None or not key:
        return None
    expected = sign(match.group(1), purpose, key)
    return match.group(1) if hmac.compare_digest(expected, token) else None
