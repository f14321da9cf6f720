"""JobPosting JSON-LD: which dates a posting carries, where it is, what it pays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recruiting.distribution.posting import (
    Organisation,
    base_salary,
    job_posting,
    posted_at,
    valid_through,
    was_published,
)
from recruiting.distribution.urls import job_url, with_source
from recruiting.models.jobs import (
    Address,
    EmploymentType,
    Job,
    JobStatus,
    Opening,
    Salary,
    SalaryUnit,
    Workplace,
)

OPENED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PAGE = "https://acme.example/careers/"
ACME = Organisation(name="Acme", url="https://acme.example", logo_url="https://acme.example/l.png")
BERLIN = Address(locality="Berlin", postal_code="10117", country="DE")


def _job(**fields: object) -> Job:
    values: dict[str, object] = {
        "id": 4_000_042,
        "title": "Welder",
        "status": JobStatus.OPEN,
        "description_html": "<p>Weld.</p>",
        "created_at": OPENED - timedelta(days=3),
        "updated_at": OPENED,
        "opened_at": OPENED,
        "openings": (Opening(opened_at=OPENED),),
        **fields,
    }
    return Job.model_validate(values)


# --- validThrough ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_open", "expected_days"),
    [(0, 60), (29, 60), (30, 60), (31, 120), (89, 120), (91, 180), (400, 480)],
)
def test_an_open_job_without_a_date_is_valid_for_a_window_rolled_forward(days_open, expected_days):
    # Given a job opened OPENED, read `days_open` days later
    now = OPENED + timedelta(days=days_open)
    # Then it is valid to the end of the 60-day window that leaves at least 30 days
    assert valid_through(_job(), now) == OPENED + timedelta(days=expected_days)


@settings(max_examples=200, deadline=None)
@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)))
def test_the_default_is_always_30_to_90_days_ahead_and_stable_between_rolls(elapsed):
    now = OPENED + elapsed
    until = valid_through(_job(), now)
    assert now + timedelta(days=30) <= until <= now + timedelta(days=90)
    # A minute later (unless the window just rolled) the answer is the same
    later = valid_through(_job(), now + timedelta(minutes=1))
    assert later in (until, until + timedelta(days=60))


def test_an_explicit_valid_through_in_the_current_opening_wins():
    explicit = OPENED + timedelta(days=10)
    job = _job(valid_through=explicit)
    assert valid_through(job, OPENED + timedelta(days=1)) == explicit
    # Passed while the job is still open: the posting reads as expired, as asked
    assert valid_through(job, OPENED + timedelta(days=20)) == explicit


def test_a_valid_through_from_before_a_reopening_is_ignored():
    reopened = OPENED + timedelta(days=100)
    job = _job(
        valid_through=OPENED + timedelta(days=10),
        openings=(
            Opening(opened_at=OPENED, closed_at=OPENED + timedelta(days=50)),
            Opening(opened_at=reopened),
        ),
    )
    assert posted_at(job) == reopened
    assert valid_through(job, reopened) == reopened + timedelta(days=60)


def test_a_closed_job_expired_when_it_closed_or_at_its_own_earlier_date():
    closed = OPENED + timedelta(days=40)
    opening = (Opening(opened_at=OPENED, closed_at=closed),)
    job = _job(status=JobStatus.CLOSED, openings=opening, updated_at=closed)
    assert valid_through(job, closed + timedelta(days=300)) == closed
    earlier = OPENED + timedelta(days=20)
    assert valid_through(job.model_copy(update={"valid_through": earlier}), closed) == earlier
    later = OPENED + timedelta(days=90)
    assert valid_through(job.model_copy(update={"valid_through": later}), closed) == closed


def test_a_job_closed_before_openings_were_recorded_expired_at_its_last_change():
    changed = OPENED + timedelta(days=7)
    job = _job(status=JobStatus.CLOSED, openings=(), updated_at=changed)
    assert was_published(job)
    assert valid_through(job, changed + timedelta(days=1)) == changed


def test_drafts_and_jobs_never_opened_were_never_published():
    assert not was_published(_job(status=JobStatus.DRAFT, opened_at=None, openings=()))
    assert not was_published(_job(status=JobStatus.CLOSED, opened_at=None, openings=()))


# --- the posting ---------------------------------------------------------------


def test_a_fully_remote_job_is_telecommute_for_its_countries_without_a_place():
    job = _job(workplace=Workplace.REMOTE, remote_countries=("US", "CA"), location="Remote")
    posting = job_posting(job, ACME, PAGE, OPENED)
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"] == [
        {"@type": "Country", "name": "US"},
        {"@type": "Country", "name": "CA"},
    ]
    assert "jobLocation" not in posting


def test_a_remote_job_with_an_address_may_be_done_there_too():
    job = _job(workplace=Workplace.REMOTE, address=BERLIN)
    posting = job_posting(job, ACME, PAGE, OPENED)
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["jobLocation"]["address"]["addressCountry"] == "DE"
    # No countries listed: applicants from the address's country
    assert posting["applicantLocationRequirements"] == [{"@type": "Country", "name": "DE"}]


@pytest.mark.parametrize("workplace", [Workplace.ON_SITE, Workplace.HYBRID])
def test_on_site_and_hybrid_jobs_are_located_and_never_telecommute(workplace):
    posting = job_posting(_job(workplace=workplace, address=BERLIN), ACME, PAGE, OPENED)
    assert "jobLocationType" not in posting
    assert "applicantLocationRequirements" not in posting
    assert posting["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Berlin",
            "postalCode": "10117",
            "addressCountry": "DE",
        },
    }


@pytest.mark.parametrize(
    ("ours", "googles"),
    [
        (EmploymentType.FULL_TIME, "FULL_TIME"),
        (EmploymentType.PART_TIME, "PART_TIME"),
        (EmploymentType.CONTRACT, "CONTRACTOR"),
        (EmploymentType.TEMPORARY, "TEMPORARY"),
        (EmploymentType.INTERNSHIP, "INTERN"),
    ],
)
def test_employment_types_map_to_googles(ours, googles):
    assert job_posting(_job(employment_type=ours), ACME, PAGE, OPENED)["employmentType"] == googles


def test_salaries_are_ranges_or_single_values():
    ranged = Salary(min=50_000, max=62_500.5, currency="GBP", unit=SalaryUnit.YEAR)
    assert base_salary(ranged)["value"] == {
        "@type": "QuantitativeValue",
        "minValue": 50000,
        "maxValue": 62500.5,
        "unitText": "YEAR",
    }
    for single in (
        Salary(min=300, currency="EUR", unit=SalaryUnit.DAY),
        Salary(max=300, currency="EUR", unit=SalaryUnit.DAY),
        Salary(min=300, max=300, currency="EUR", unit=SalaryUnit.DAY),
    ):
        assert base_salary(single) == {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": {"@type": "QuantitativeValue", "value": 300, "unitText": "DAY"},
        }


def test_the_organisation_and_the_job_page():
    posting = job_posting(_job(), ACME, PAGE, OPENED, source="linkedin")
    assert posting["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Acme",
        "sameAs": "https://acme.example",
        "url": "https://acme.example",
        "logo": "https://acme.example/l.png",
    }
    assert posting["url"] == f"{PAGE}?job=4000042&gh_src=linkedin"
    assert posting["datePosted"] == "2026-03-02T09:30:00Z"
    bare = job_posting(_job(description_html=""), Organisation(name="Acme"), PAGE, OPENED)
    assert bare["hiringOrganization"] == {"@type": "Organization", "name": "Acme"}
    assert bare["description"] == "<p>Welder</p>"


# --- job URLs -------------------------------------------------------------------


def test_job_urls_keep_the_pages_own_query_and_replace_job_and_source():
    assert job_url(PAGE, 7) == f"{PAGE}?job=7"
    assert job_url("https://acme.example/jobs?lang=de#top", 7, "abc") == (
        "https://acme.example/jobs?lang=de&job=7&gh_src=abc#top"
    )
    assert job_url("https://acme.example/jobs?job=1&gh_src=old", 7, "new") == (
        "https://acme.example/jobs?job=7&gh_src=new"
    )
    assert with_source(PAGE, None) == PAGE


@pytest.mark.parametrize("source", ["", "a b", "x" * 65, "é", "a&b"])
def test_a_source_token_outside_the_pattern_is_refused(source):
    with pytest.raises(ValueError, match="source token"):
        job_url(PAGE, 7, source)
