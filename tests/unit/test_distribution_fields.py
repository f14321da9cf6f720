"""The job fields distribution needs, as recruiters set them, and the settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from recruiting import clock
from recruiting.config import Settings
from recruiting.models.jobs import Job, JobFields, Workplace

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _rules(payload: dict[str, Any]) -> set[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        JobFields.model_validate(payload)
    return {(".".join(str(p) for p in e["loc"]), e["type"]) for e in caught.value.errors()}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def test_codes_are_normalised_and_checked_against_iso():
    fields = JobFields.model_validate(
        {
            "address": {"locality": "Lisboa", "country": " pt "},
            "remote_countries": ["us", "CA"],
            "salary": {"min": 1, "currency": "eur", "unit": "MONTH"},
        }
    )
    assert fields.address is not None
    assert fields.address.country == "PT"
    assert fields.remote_countries == ("US", "CA")
    assert fields.salary is not None
    assert fields.salary.currency == "EUR"
    assert ("address.country", "country_code") in _rules({"address": {"country": "UK"}})
    assert ("address.country", "country_code") in _rules({"address": {"country": 49}})
    assert ("remote_countries.0", "country_code") in _rules({"remote_countries": ["EU"]})
    salary = {"min": 1, "unit": "YEAR"}
    assert ("salary.currency", "currency_code") in _rules({"salary": {**salary, "currency": "XXX"}})
    assert ("salary.currency", "currency_code") in _rules({"salary": {**salary, "currency": "BTC"}})


def test_salary_rules():
    base = {"currency": "EUR", "unit": "YEAR"}
    assert ("salary.max", "salary_range") in _rules({"salary": {**base, "min": 2, "max": 1}})
    assert ("salary", "salary_amount") in _rules({"salary": base})
    assert ("salary.min", "finite_number") in _rules({"salary": {**base, "min": "NaN"}})
    assert ("salary.unit", "missing") in _rules({"salary": {"min": 1, "currency": "EUR"}})
    assert ("salary.bonus", "extra_forbidden") in _rules({"salary": {**base, "min": 1, "bonus": 2}})


def test_valid_through_must_be_ahead_of_the_services_clock():
    ahead = (NOW + timedelta(minutes=1)).isoformat()
    assert JobFields.model_validate({"valid_through": ahead}).valid_through is not None
    assert ("valid_through", "datetime_future") in _rules({"valid_through": NOW.isoformat()})
    assert ("valid_through", "timezone_aware") in _rules({"valid_through": "2030-01-01T00:00:00"})
    # Cleared with null
    assert JobFields.model_validate({"valid_through": None}).valid_through is None


def test_stored_jobs_without_the_fields_load_with_defaults():
    job = Job.model_validate({"id": 1, "title": "Old", "created_at": NOW, "updated_at": NOW})
    assert job.workplace is Workplace.ON_SITE
    assert (job.address, job.salary, job.category, job.valid_through) == (None, None, None, None)
    assert job.remote_countries == ()
    # Stored codes load as stored (the ISO lists change; reads must not break)
    old = Job.model_validate(
        {
            "id": 2,
            "title": "Old",
            "created_at": NOW,
            "updated_at": NOW,
            "salary": {"min": 1, "currency": "HRK", "unit": "YEAR"},
            "address": {"country": "YU"},
        }
    )
    assert old.address is not None
    assert old.address.country == "YU"


def test_the_careers_page_defaults_to_the_sites_careers_path():
    settings = Settings.from_env({"CANDIDATES_TABLE_NAME": "c"})
    assert settings.careers_page_url == "https://careers.example.com/careers/"
    assert settings.organisation_name == "Demo Robotics"
    local = Settings.from_env(
        {"CANDIDATES_TABLE_NAME": "c", "CAREERS_BASE_URL": "http://127.0.0.1:3000/"}
    )
    assert local.careers_page_url == "http://127.0.0.1:3000/careers/"
    chosen = Settings.from_env(
        {
            "CANDIDATES_TABLE_NAME": "c",
            "CAREERS_PAGE_URL": "https://acme.example/jobs",
            "ORGANISATION_NAME": "Acme",
            "ORGANISATION_URL": "https://acme.example",
            "ORGANISATION_LOGO_URL": "https://acme.example/logo.svg",
        }
    )
    assert chosen.careers_page_url == "https://acme.example/jobs"
    assert (chosen.organisation_name, chosen.organisation_url, chosen.organisation_logo_url) == (
        "Acme",
        "https://acme.example",
        "https://acme.example/logo.svg",
    )
