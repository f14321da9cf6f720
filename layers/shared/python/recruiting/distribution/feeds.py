"""A board's open jobs as an XML feed (Indeed's format) and as a JSON Feed 1.1.

Both are built from the jobs themselves, so what a board reads is what the
careers page shows. Text in the XML goes through ElementTree, which escapes
``&``, ``<`` and ``>`` (so ``]]>`` cannot end anything); characters XML 1.0
forbids (C0 controls but tab, newline and carriage return; lone surrogates;
U+FFFE, U+FFFF) are dropped, and line ends become ``\\n`` (what any XML parser
reads them as anyway).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from recruiting.distribution.posting import (
    Organisation,
    job_posting,
    posted_at,
    timestamp,
    valid_through,
)
from recruiting.distribution.urls import job_url, with_source
from recruiting.models.jobs import Board, EmploymentType, Job, Salary, Workplace

XML_MEDIA_TYPE = "application/xml; charset=utf-8"
JSON_FEED_MEDIA_TYPE = "application/feed+json"
JSON_LD_MEDIA_TYPE = "application/ld+json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

# Indeed's jobtype and remotetype values.
JOB_TYPES: dict[EmploymentType, str] = {
    EmploymentType.FULL_TIME: "fulltime",
    EmploymentType.PART_TIME: "parttime",
    EmploymentType.CONTRACT: "contract",
    EmploymentType.INTERNSHIP: "internship",
    EmploymentType.TEMPORARY: "temporary",
}
REMOTE_TYPES: dict[Workplace, str] = {
    Workplace.REMOTE: "Fully remote",
    Workplace.HYBRID: "Hybrid remote",
}

# What XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """``value`` as XML 1.0 may carry it: forbidden characters dropped, line ends ``\\n``."""
    text = "" if value is None else str(value)
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def salary_text(salary: Salary) -> str:
    """``70000 - 90000 EUR per year``, ``25 USD per hour``."""
    amounts = [
        f"{a:.2f}" if a % 1 else f"{int(a)}" for a in (salary.min, salary.max) if a is not None
    ]
    shown = amounts[0] if len(set(amounts)) == 1 else " - ".join(amounts)
    return f"{shown} {salary.currency} per {salary.unit.value.lower()}"


def last_built(jobs: list[Job]) -> datetime | None:
    """The newest change among the jobs; none for a board with none (a time that
    moved with the clock would change the body, and so the ETag, every second)."""
    return max((job.updated_at for job in jobs), default=None)


def _child(parent: ElementTree.Element, tag: str, value: object) -> None:
    ElementTree.SubElement(parent, tag).text = xml_text(value)


def xml_feed(
    jobs: list[Job],
    organisation: Organisation,
    careers_page_url: str,
    now: datetime,
    source: str | None = None,
) -> str:
    """Indeed's XML job feed: ``<source>`` with one ``<job>`` per job, UTF-8."""
    root = ElementTree.Element("source")
    _child(root, "publisher", organisation.name)
    _child(root, "publisherurl", organisation.url or careers_page_url)
    built = last_built(jobs)
    if built is not None:
        _child(root, "lastBuildDate", timestamp(built))
    for job in jobs:
        node = ElementTree.SubElement(root, "job")
        address = job.address
        city = address.locality if address else None
        if address is None and job.workplace is not Workplace.REMOTE:
            city = job.location  # free text only: the board geocodes it
        country = address.country if address else next(iter(job.remote_countries), None)
        _child(node, "title", job.title)
        _child(node, "date", timestamp(job.updated_at))
        _child(node, "referencenumber", job.id)
        if job.requisition_id:
            _child(node, "requisitionid", job.requisition_id)
        _child(node, "url", job_url(careers_page_url, job.id, source))
        _child(node, "company", organisation.name)
        _child(node, "city", city)
        _child(node, "state", address.region if address else None)
        _child(node, "country", country)
        _child(node, "postalcode", address.postal_code if address else None)
        _child(node, "streetaddress", address.street if address else None)
        _child(node, "description", job.description_html)
        _child(node, "salary", salary_text(job.salary) if job.salary else None)
        _child(node, "jobtype", JOB_TYPES[job.employment_type])
        _child(node, "category", job.category or job.department)
        _child(node, "expirationdate", timestamp(valid_through(job, now)))
        if job.workplace in REMOTE_TYPES:
            _child(node, "remotetype", REMOTE_TYPES[job.workplace])
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode", short_empty_elements=False)
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'


def json_feed(
    board: Board,
    jobs: list[Job],
    organisation: Organisation,
    careers_page_url: str,
    feed_url: str,
    now: datetime,
    source: str | None = None,
) -> dict[str, Any]:
    """JSON Feed 1.1: one item per job, its JSON-LD under ``_job_posting``."""
    author: dict[str, str] = {"name": organisation.name}
    if organisation.url:
        author["url"] = organisation.url
    if organisation.logo_url:
        author["avatar"] = organisation.logo_url
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": f"{board.name}: open jobs",
        "home_page_url": with_source(careers_page_url, source),
        "feed_url": feed_url,
        "authors": [author],
    }
    if organisation.logo_url:
        feed["icon"] = organisation.logo_url
    feed["items"] = [
        {
            "id": str(job.id),
            "url": job_url(careers_page_url, job.id, source),
            "title": job.title,
            "content_html": job.description_html or f"<p>{html.escape(job.title)}</p>",
            "date_published": timestamp(posted_at(job)),
            "date_modified": timestamp(job.updated_at),
            "tags": list(dict.fromkeys(t for t in (job.department, job.category) if t)),
            "_job_posting": job_posting(job, organisation, careers_page_url, now, source),
        }
        for job in jobs
    ]
    return feed


def json_text(value: Any) -> str:
    """Compact UTF-8 JSON that is also safe inside an HTML ``<script>`` element
    (``<``, ``>`` and ``&`` as ``\\u`` escapes), where JSON-LD usually ends up."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def etag(body: str) -> str:
    """A strong entity tag: the body's SHA-256 (first 128 bits)."""
    return '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'


def not_modified(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 If-None-Match: ``*`` or any listed tag, compared weakly."""
    if not if_none_match:
        return False
    listed = [t.strip() for t in if_none_match.split(",")]
    return "*" in listed or tag in (t.removeprefix("W/") for t in listed)
