"""A job as schema.org ``JobPosting`` JSON-LD, with what Google for Jobs requires and
recommends (https://developers.google.com/search/docs/appearance/structured-data/job-posting).

Which dates a posting carries:

- ``datePosted``: when the current opening began (a closed and reopened job is
  posted anew when it reopens).
- ``validThrough``: for an open job, the job's ``valid_through`` when it falls in
  the current opening; otherwise the end of a 60-day window from the opening,
  rolled forward 60 days at a time so that it is always 30 to 90 days ahead
  while the job stays open (stable between rolls, so ETags stay stable too).
  For a closed job, when it closed (or its own ``valid_through``, if that came
  first): in the past, which is how Google learns the posting has expired.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from recruiting.distribution.urls import job_url
from recruiting.models.jobs import EmploymentType, Job, JobStatus, Salary, Workplace

if TYPE_CHECKING:
    from recruiting.config import Settings

DEFAULT_WINDOW = timedelta(days=60)
MINIMUM_AHEAD = timedelta(days=30)

# Google's employmentType values.
EMPLOYMENT_TYPES: dict[EmploymentType, str] = {
    EmploymentType.FULL_TIME: "FULL_TIME",
    EmploymentType.PART_TIME: "PART_TIME",
    EmploymentType.CONTRACT: "CONTRACTOR",
    EmploymentType.TEMPORARY: "TEMPORARY",
    EmploymentType.INTERNSHIP: "INTERN",
}


@dataclass(frozen=True)
class Organisation:
    """The employer: ``hiringOrganization``, the feeds' publisher and company."""

    name: str
    url: str = ""
    logo_url: str = ""

    @classmethod
    def of(cls, settings: Settings) -> Organisation:
        return cls(
            name=settings.organisation_name,
            url=settings.organisation_url,
            logo_url=settings.organisation_logo_url,
        )


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC to the second: 2026-11-25T17:54:30Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def was_published(job: Job) -> bool:
    """Open now, or open once and closed since: a posting that existed."""
    if job.status is JobStatus.OPEN:
        return True
    return job.status is JobStatus.CLOSED and (bool(job.openings) or job.opened_at is not None)


def posted_at(job: Job) -> datetime:
    """When the current (or, for a closed job, the last) opening began."""
    if job.openings:
        return job.openings[-1].opened_at
    return job.opened_at or job.created_at


def closed_at(job: Job) -> datetime:
    """When a closed job closed (its last opening's end; jobs closed before
    openings were recorded: their last change)."""
    if job.openings and job.openings[-1].closed_at is not None:
        return job.openings[-1].closed_at
    return job.updated_at


def valid_through(job: Job, now: datetime) -> datetime:
    """When the posting expires (see the module's docstring)."""
    start = posted_at(job)
    explicit = job.valid_through if job.valid_through and job.valid_through > start else None
    if job.status is not JobStatus.OPEN:
        ended = closed_at(job)
        return min(ended, explicit) if explicit else ended
    if explicit:
        return explicit
    windows = max(1, math.ceil((now + MINIMUM_AHEAD - start) / DEFAULT_WINDOW))
    return start + windows * DEFAULT_WINDOW


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def base_salary(salary: Salary) -> dict[str, Any]:
    """MonetaryAmount: a range as minValue/maxValue, one amount as value."""
    amount: dict[str, Any] = {"@type": "QuantitativeValue"}
    low, high = salary.min, salary.max
    if low is not None and high is not None and low != high:
        amount["minValue"] = _number(low)
        amount["maxValue"] = _number(high)
    else:
        single = low if low is not None else high
        assert single is not None  # a Salary has min, max or both
        amount["value"] = _number(single)
    amount["unitText"] = salary.unit.value
    return {"@type": "MonetaryAmount", "currency": salary.currency, "value": amount}


def _place(job: Job) -> dict[str, Any] | None:
    if job.address is None:
        # Only the free text: schema.org takes a Text address; Google wants
        # PostalAddress, so set the job's address for Google for Jobs.
        return {"@type": "Place", "address": job.location} if job.location else None
    address = {
        "@type": "PostalAddress",
        "streetAddress": job.address.street,
        "addressLocality": job.address.locality,
        "addressRegion": job.address.region,
        "postalCode": job.address.postal_code,
        "addressCountry": job.address.country,
    }
    return {"@type": "Place", "address": {k: v for k, v in address.items() if v is not None}}


def _applicant_countries(job: Job) -> list[str]:
    if job.remote_countries:
        return list(job.remote_countries)
    return [job.address.country] if job.address is not None else []


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    body: dict[str, Any] = {"@type": "Organization", "name": organisation.name}
    if organisation.url:
        body["sameAs"] = organisation.url
        body["url"] = organisation.url
    if organisation.logo_url:
        body["logo"] = organisation.logo_url
    return body


def job_posting(
    job: Job,
    organisation: Organisation,
    careers_page_url: str,
    now: datetime,
    source: str | None = None,
) -> dict[str, Any]:
    """The JSON-LD of a published job (``was_published``)."""
    body: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description_html or f"<p>{html.escape(job.title)}</p>",
        "datePosted": timestamp(posted_at(job)),
        "validThrough": timestamp(valid_through(job, now)),
        "employmentType": EMPLOYMENT_TYPES[job.employment_type],
        "hiringOrganization": organisation_json(organisation),
        "identifier": {"@type": "PropertyValue", "name": organisation.name, "value": str(job.id)},
        "directApply": True,
        "url": job_url(careers_page_url, job.id, source),
    }
    # Google: TELECOMMUTE only for jobs done remotely 100% of the time; a hybrid
    # job is a located job. A remote job with an address may also be done there.
    place = _place(job)
    if place is not None and (job.workplace is not Workplace.REMOTE or job.address is not None):
        body["jobLocation"] = place
    if job.workplace is Workplace.REMOTE:
        body["jobLocationType"] = "TELECOMMUTE"
        countries = _applicant_countries(job)
        if countries:
            body["applicantLocationRequirements"] = [
                {"@type": "Country", "name": code} for code in countries
            ]
    if job.salary is not None:
        body["baseSalary"] = base_salary(job.salary)
    if job.category:
        body["occupationalCategory"] = job.category
    return body
