"""Contact points that identify a person besides e-mail: phone and LinkedIn."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SLUG = re.compile(r"^/(in|pub)/([^/?#]+)")


def linkedin_profile(url: str) -> str | None:
    """``linkedin.com/in/<slug>`` for a LinkedIn profile URL, else None."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().split(":")[0]
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return None
    found = _SLUG.match(parts.path)
    if not found:
        return None
    return f"linkedin.com/in/{found.group(2).lower()}"


def contact_points(phone_e164: str | None, links: list[str]) -> list[str]:
    """The keys under which this person can be found again (PHONE#, LINKEDIN#)."""
    points = [f"PHONE#{phone_e164}"] if phone_e164 else []
    points += sorted({f"LINKEDIN#{p}" for p in (linkedin_profile(u) for u in links) if p})
    return points
