"""A job's public URL: the one place it is built.

The careers page (``careers/careers.js``) opens the job named by its ``job``
query parameter; ``gh_src`` names the job board or campaign the visitor came
from (Greenhouse's parameter, so links careers sites already carry keep working),
and the careers page hands it on with the application.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# A source token as it may appear in a URL (and as the feeds accept it in ?source=).
SOURCE_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_SOURCE = re.compile(SOURCE_PATTERN)
SOURCE_PARAMETER = "gh_src"
JOB_PARAMETER = "job"


def is_source_token(value: str) -> bool:
    return _SOURCE.match(value) is not None


def job_url(careers_page_url: str, job_id: int, source: str | None = None) -> str:
    """``<careers_page_url>?job=<id>[&gh_src=<source>]``, keeping any query the
    careers page URL already has (a ``job`` or ``gh_src`` in it is replaced)."""
    parts = urlsplit(careers_page_url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name != JOB_PARAMETER
    ]
    query.append((JOB_PARAMETER, str(job_id)))
    return with_source(urlunsplit(parts._replace(query=urlencode(query))), source)


def with_source(url: str, source: str | None) -> str:
    """``url`` with ``gh_src=<source>`` (replacing one it has); unchanged without a source."""
    if source is None:
        return url
    if not _SOURCE.match(source):
        raise ValueError(f"source token {source!r} does not match {SOURCE_PATTERN}")
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name != SOURCE_PARAMETER
    ]
    query.append((SOURCE_PARAMETER, source))
    return urlunsplit(parts._replace(query=urlencode(query)))
