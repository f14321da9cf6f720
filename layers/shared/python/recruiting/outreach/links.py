"""Signed links in e-mails: whoever holds the link may act on it, nobody can forge one."""

from __future__ import annotations

import hashlib
import hmac
import re

_TOKEN = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{16,32})$")


def sign(candidate_id: str, purpose: str, key: str, digits: int = 32) -> str:
    """``<candidate id>.<HMAC-SHA256 of purpose and id, first `digits` hex digits>``.

    Links carry 32 digits (128 bits); reply addresses carry 24 (96 bits), because an
    address's local part may hold only 64 characters.
    """
    if not key:
        raise RuntimeError("no link signing key (LINK_SIGNING_KEY)")
    digest = hmac.new(key.encode(), f"{purpose}:{candidate_id}".encode(), hashlib.sha256)
    return f"{candidate_id}.{digest.hexdigest()[:digits]}"


def verify(token: str, purpose: str, key: str, digits: int = 32) -> str | None:
    """The candidate a token was made for, or None for anything forged or malformed."""
    match = _TOKEN.match(token)
    if match is None or not key or len(match.group(2)) != digits:
        return None
    expected = sign(match.group(1), purpose, key, digits)
    return match.group(1) if hmac.compare_digest(expected, token) else None
