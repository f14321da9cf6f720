"""Job distribution: JSON-LD per job (Google for Jobs), a board's open jobs as an
XML feed (Indeed's format) and as a JSON Feed 1.1; closing a job takes it out
of every feed at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from defusedxml import ElementTree

CAREERS_PAGE = "https://jobs.demo-robotics.example/careers/"
ORGANISATION_URL = "https://demo-robotics.example"
LOGO = "https://demo-robotics.example/logo.png"
XML_JOB_CHILDREN = {
    "title",
    "date",
    "referencenumber",
    "url",
    "company",
    "city",
    "state",
    "country",
    "postalcode",
    "streetaddress",
    "description",
    "salary",
    "jobtype",
    "category",
    "expirationdate",
}


@pytest.fixture(autouse=True)
def organisation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment's organisation settings (read at the first request)."""
    monkeypatch.setenv("ORGANISATION_NAME", "Demo Robotics")
    monkeypatch.setenv("ORGANISATION_URL", ORGANISATION_URL)
    monkeypatch.setenv("ORGANISATION_LOGO_URL", LOGO)
    monkeypatch.setenv("CAREERS_PAGE_URL", CAREERS_PAGE)
    monkeypatch.setenv("PUBLIC_API_URL", "https://api.demo-robotics.example")


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _posting(api: Any, job_id: int, **query: Any) -> dict[str, Any]:
    reply = api.get(f"/jobs/{job_id}/posting", **query)
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "application/ld+json"
    posting: dict[str, Any] = reply.json()
    return posting


def _xml_jobs(api: Any, board: str = "demo", **query: Any) -> dict[str, dict[str, str]]:
    reply = api.get(f"/feeds/{board}/jobs.xml", **query)
    assert reply.status == 200, reply.body
    root = ElementTree.fromstring(reply.body)
    assert root.tag == "source"
    jobs = {}
    for node in root.findall("job"):
        fields = {child.tag: child.text or "" for child in node}
        jobs[fields["referencenumber"]] = fields
    assert len(jobs) == len(root.findall("job"))  # one <job> per job
    return jobs


def _json_feed(api: Any, board: str = "demo", **query: Any) -> dict[str, Any]:
    reply = api.get(f"/feeds/{board}/jobs.json", **query)
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "application/feed+json"
    feed: dict[str, Any] = reply.json()
    return feed


def _job(ats: Any, job_id: int) -> dict[str, Any]:
    job: dict[str, Any] = ats.as_role("recruiter").get(f"/ats/jobs/{job_id}").json()
    return job


def _truncated(value: str) -> datetime:
    return _at(value).replace(microsecond=0)


# --- JSON-LD ------------------------------------------------------------------


def test_each_open_demo_job_carries_what_google_requires_and_recommends(api, ats, demo):
    now = datetime.now(UTC)
    employment = {"full_time": "FULL_TIME", "part_time": "PART_TIME", "internship": "INTERN"}
    for job_id in demo.open_job_ids:
        job = _job(ats, job_id)
        posting = _posting(api, job_id)
        # Required
        assert posting["@context"] == "https://schema.org/"
        assert posting["@type"] == "JobPosting"
        assert posting["title"] == job["title"]
        assert posting["description"] == job["description_html"]
        assert _at(posting["datePosted"]) == _truncated(job["openings"][-1]["opened_at"])
        organisation = posting["hiringOrganization"]
        assert organisation == {
            "@type": "Organization",
            "name": "Demo Robotics",
            "sameAs": ORGANISATION_URL,
            "url": ORGANISATION_URL,
            "logo": LOGO,
        }
        if job["workplace"] == "remote":
            assert posting["jobLocationType"] == "TELECOMMUTE"
            assert posting["applicantLocationRequirements"] == [{"@type": "Country", "name": "US"}]
            assert "jobLocation" not in posting
        else:
            assert "jobLocationType" not in posting
            place = posting["jobLocation"]
            assert place["@type"] == "Place"
            address = place["address"]
            assert address == {
                "@type": "PostalAddress",
                "streetAddress": job["address"]["street"],
                "addressLocality": job["address"]["locality"],
                "addressRegion": job["address"]["region"],
                "postalCode": job["address"]["postal_code"],
                "addressCountry": job["address"]["country"],
            }
        # Recommended
        valid_through = _at(posting["validThrough"])
        assert valid_through > now + timedelta(days=29)
        assert posting["employmentType"] == employment[job["employment_type"]]
        assert posting["identifier"] == {
            "@type": "PropertyValue",
            "name": "Demo Robotics",
            "value": str(job_id),
        }
        assert posting["directApply"] is True
        assert posting["url"] == f"{CAREERS_PAGE}?job={job_id}"
        salary = posting["baseSalary"]
        assert salary["@type"] == "MonetaryAmount"
        assert salary["currency"] == job["salary"]["currency"]
        assert salary["value"]["@type"] == "QuantitativeValue"
        assert salary["value"]["unitText"] == job["salary"]["unit"]


def test_salaries_and_places_of_the_demo_jobs(api, demo):
    backend, designer, intern, _ = demo.open_job_ids
    berlin = _posting(api, backend)
    assert berlin["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 70000,
            "maxValue": 90000,
            "unitText": "YEAR",
        },
    }
    assert berlin["jobLocation"]["address"]["postalCode"] == "10117"
    assert berlin["jobLocation"]["address"]["addressCountry"] == "DE"
    hourly = _posting(api, intern)["baseSalary"]
    assert hourly["currency"] == "USD"
    assert hourly["value"] == {"@type": "QuantitativeValue", "value": 28, "unitText": "HOUR"}
    assert _posting(api, designer)["employmentType"] == "FULL_TIME"


def test_a_closed_job_still_answers_and_expired_when_it_closed(api, ats, demo):
    job = _job(ats, demo.closed_job_id)
    posting = _posting(api, demo.closed_job_id)
    assert _at(posting["validThrough"]) == _truncated(job["openings"][-1]["closed_at"])
    assert _at(posting["validThrough"]) < datetime.now(UTC)
    assert _at(posting["datePosted"]) == _truncated(job["openings"][-1]["opened_at"])


def test_drafts_and_unknown_jobs_are_not_found(api, ats, demo):
    draft = ats.as_role("recruiter").post_json("/ats/jobs", {"title": "Secret", "boards": ["demo"]})
    assert draft.status == 201, draft.body
    for job_id in (draft.json()["id"], 999):
        reply = api.get(f"/jobs/{job_id}/posting")
        assert reply.status == 404
        assert reply.json()["error"] == "not_found"
    reply = api.get("/jobs/abc/posting")
    assert reply.status == 422
    assert {f for f, _ in reply.field_rules()} == {"job_id"}


def test_a_hybrid_job_is_located_and_not_telecommute(api, ats, demo):
    recruiter = ats.as_role("recruiter")
    created = recruiter.post_json(
        "/ats/jobs",
        {
            "title": "Field Robotics Engineer",
            "boards": ["demo"],
            "workplace": "hybrid",
            "address": {"locality": "Munich", "postal_code": "80331", "country": "de"},
            "valid_through": (datetime.now(UTC) + timedelta(days=20)).isoformat(),
        },
    )
    assert created.status == 201, created.body
    job = created.json()
    assert job["address"]["country"] == "DE"  # normalised
    recruiter.post_json(f"/ats/jobs/{job['id']}/open", {})
    posting = _posting(api, job["id"])
    assert "jobLocationType" not in posting
    assert posting["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Munich",
        "postalCode": "80331",
        "addressCountry": "DE",
    }
    # Its own valid_through, not the 60-day default
    assert _at(posting["validThrough"]) == _truncated(job["valid_through"])
    assert _xml_jobs(api)[str(job["id"])]["remotetype"] == "Hybrid remote"


# --- XML feed -----------------------------------------------------------------


def test_the_xml_feed_lists_every_open_job_of_the_board_once(api, demo):
    reply = api.get("/feeds/demo/jobs.xml")
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/xml; charset=utf-8"
    assert reply.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ElementTree.fromstring(reply.body)
    assert root.findtext("publisher") == "Demo Robotics"
    assert root.findtext("publisherurl") == ORGANISATION_URL
    assert _at(root.findtext("lastBuildDate") or "")
    jobs = _xml_jobs(api)
    backend, designer, intern, internal_only = demo.open_job_ids
    assert set(jobs) == {str(backend), str(designer), str(intern)}
    assert str(demo.closed_job_id) not in jobs
    assert str(internal_only) not in jobs
    for job_id, fields in jobs.items():
        assert set(fields) >= XML_JOB_CHILDREN, job_id
        assert fields["url"] == f"{CAREERS_PAGE}?job={job_id}"
        assert fields["company"] == "Demo Robotics"
        assert _at(fields["expirationdate"]) > datetime.now(UTC)
    berlin = jobs[str(backend)]
    assert (berlin["city"], berlin["state"], berlin["country"], berlin["postalcode"]) == (
        "Berlin",
        "Berlin",
        "DE",
        "10117",
    )
    assert berlin["streetaddress"] == "Friedrichstraße 68"
    assert berlin["requisitionid"] == "ENG-101"
    assert berlin["salary"] == "70000 - 90000 EUR per year"
    assert berlin["jobtype"] == "fulltime"
    assert berlin["category"] == "Software Development"
    assert berlin["description"] == "<p>Design the services our robots talk to.</p>"
    assert "remotetype" not in berlin
    assert jobs[str(designer)]["remotetype"] == "Fully remote"
    assert jobs[str(designer)]["country"] == "US"
    assert jobs[str(intern)]["salary"] == "28 USD per hour"
    assert jobs[str(intern)]["jobtype"] == "internship"
    assert "requisitionid" not in jobs[str(intern)]


def test_each_board_has_its_own_feed(api, demo):
    backend, _, _, internal_only = demo.open_job_ids
    assert set(_xml_jobs(api, "internal")) == {str(backend), str(internal_only)}
    assert {item["id"] for item in _json_feed(api, "internal")["items"]} == {
        str(backend),
        str(internal_only),
    }


def test_text_with_markup_quotes_and_control_characters_round_trips(api, ats, demo):
    title = 'R&D <b>lead</b> "robots" ]]> done\x0b'
    description = '<p>Fish & "chips" ]]> <b>bold</b>\x01 \U0001f916 é\x1f</p>'
    recruiter = ats.as_role("recruiter")
    created = recruiter.post_json(
        "/ats/jobs",
        {"title": title, "description_html": description, "boards": ["demo"]},
    )
    assert created.status == 201, created.body
    job_id = created.json()["id"]
    recruiter.post_json(f"/ats/jobs/{job_id}/open", {})
    reply = api.get("/feeds/demo/jobs.xml")
    assert b"\x0b" not in reply.body
    assert b"\x01" not in reply.body
    fields = _xml_jobs(api)[str(job_id)]
    assert fields["title"] == 'R&D <b>lead</b> "robots" ]]> done'
    assert fields["description"] == '<p>Fish & "chips" ]]> <b>bold</b> \U0001f916 é</p>'


def test_a_source_token_goes_into_every_job_url(api, demo):
    for fields in _xml_jobs(api, source="abc").values():
        assert parse_qs(urlsplit(fields["url"]).query) == {
            "job": [fields["referencenumber"]],
            "gh_src": ["abc"],
        }
    feed = _json_feed(api, source="abc")
    assert parse_qs(urlsplit(feed["home_page_url"]).query) == {"gh_src": ["abc"]}
    assert feed["feed_url"] == "https://api.demo-robotics.example/feeds/demo/jobs.json?source=abc"
    for item in feed["items"]:
        assert parse_qs(urlsplit(item["url"]).query)["gh_src"] == ["abc"]
        assert item["_job_posting"]["url"] == item["url"]
    posting = _posting(api, demo.open_job_ids[0], source="abc")
    assert posting["url"].endswith("&gh_src=abc")


@pytest.mark.parametrize("source", ["a b", "x" * 65, "ü", ""])
def test_a_bad_source_token_is_refused(api, demo, source):
    for target in ("/feeds/demo/jobs.xml", "/feeds/demo/jobs.json", "/jobs/4000001/posting"):
        reply = api.get(target, source=source)
        assert reply.status == 422, (target, source)
        assert {f for f, _ in reply.field_rules()} == {"source"}


def test_an_unknown_board_is_not_found_as_on_the_job_list(api, demo):
    listing = api.get("/jobs", board="nope")
    for target in ("/feeds/nope/jobs.xml", "/feeds/nope/jobs.json"):
        reply = api.get(target)
        assert reply.status == 404
        assert reply.json() == listing.json()
    assert api.get("/feeds/Not%20A%20Board/jobs.xml").status == 422


def test_every_open_job_is_in_the_feed_beyond_one_page(api, demo):
    from recruiting.clock import now
    from recruiting.models.jobs import Board, Job, JobStatus
    from recruiting.storage.jobs import JobRepository

    repo = JobRepository()
    repo.save_board(Board(token="many", name="Many jobs"))
    moment = now()
    for number in range(1, 106):
        repo.save_job(
            Job(
                id=5_000_000 + number,
                title=f"Robot wrangler {number}",
                status=JobStatus.OPEN,
                boards=("many",),
                created_at=moment,
                updated_at=moment,
                opened_at=moment,
            )
        )
    assert len(_xml_jobs(api, "many")) == 105
    assert len(_json_feed(api, "many")["items"]) == 105


# --- JSON Feed ------------------------------------------------------------------


def test_the_json_feed_carries_each_job_and_its_json_ld(api, ats, demo):
    feed = _json_feed(api)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Demo Robotics: open jobs"
    assert feed["home_page_url"] == CAREERS_PAGE
    assert feed["feed_url"] == "https://api.demo-robotics.example/feeds/demo/jobs.json"
    backend, designer, intern, _ = demo.open_job_ids
    items = {item["id"]: item for item in feed["items"]}
    assert set(items) == {str(backend), str(designer), str(intern)}
    for job_id in (backend, designer, intern):
        item = items[str(job_id)]
        job = _job(ats, job_id)
        assert item["url"] == f"{CAREERS_PAGE}?job={job_id}"
        assert item["title"] == job["title"]
        assert item["content_html"] == job["description_html"]
        assert _at(item["date_published"]) == _truncated(job["openings"][-1]["opened_at"])
        assert _at(item["date_modified"]) == _truncated(job["updated_at"])
        assert item["_job_posting"] == _posting(api, job_id)
    with_source = _json_feed(api, source="board-7")
    for item in with_source["items"]:
        assert item["_job_posting"] == _posting(api, int(item["id"]), source="board-7")


# --- changes reach the feeds at once --------------------------------------------


def test_closing_takes_a_job_out_of_every_feed_at_once_and_reopening_brings_it_back(api, ats, demo):
    recruiter = ats.as_role("recruiter")
    backend = demo.open_job_ids[0]
    before = api.get("/feeds/demo/jobs.xml")
    tag = before.headers["etag"]
    assert before.headers["cache-control"] == "no-cache"
    # An unchanged feed: 304 for the reader's copy
    again = api.request("GET", "/feeds/demo/jobs.xml", headers={"If-None-Match": tag})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["etag"] == tag

    closed = recruiter.post_json(f"/ats/jobs/{backend}/close", {})
    assert closed.status == 200, closed.body
    assert str(backend) not in _xml_jobs(api)
    assert str(backend) not in _xml_jobs(api, "internal")
    assert str(backend) not in {item["id"] for item in _json_feed(api)["items"]}
    assert _at(_posting(api, backend)["validThrough"]) < datetime.now(UTC)
    after = api.request("GET", "/feeds/demo/jobs.xml", headers={"If-None-Match": tag})
    assert after.status == 200
    assert after.headers["etag"] != tag

    reopened = recruiter.post_json(f"/ats/jobs/{backend}/open", {})
    assert reopened.status == 200, reopened.body
    assert str(backend) in _xml_jobs(api)
    assert str(backend) in {item["id"] for item in _json_feed(api)["items"]}
    posting = _posting(api, backend)
    # Posted anew when it reopened
    assert _at(posting["datePosted"]) == _truncated(reopened.json()["openings"][-1]["opened_at"])
    assert _at(posting["validThrough"]) > datetime.now(UTC)


def test_editing_a_job_updates_its_feed_entries(api, ats, demo):
    recruiter = ats.as_role("recruiter")
    intern = demo.open_job_ids[2]
    before = _xml_jobs(api)[str(intern)]
    json_before = api.get("/feeds/demo/jobs.json")
    edited = recruiter.patch_json(f"/ats/jobs/{intern}", {"title": "Robotics Intern (Summer)"})
    assert edited.status == 200, edited.body
    after = _xml_jobs(api)[str(intern)]
    assert after["title"] == "Robotics Intern (Summer)"
    assert _at(after["date"]) == _truncated(edited.json()["updated_at"])
    assert _at(after["date"]) >= _at(before["date"])
    item = next(i for i in _json_feed(api)["items"] if i["id"] == str(intern))
    assert item["title"] == "Robotics Intern (Summer)"
    assert _at(item["date_modified"]) == _truncated(edited.json()["updated_at"])
    json_after = api.request(
        "GET", "/feeds/demo/jobs.json", headers={"If-None-Match": json_before.headers["etag"]}
    )
    assert json_after.status == 200


def test_json_ld_has_an_etag_too(api, demo):
    first = api.get(f"/jobs/{demo.open_job_ids[0]}/posting")
    assert first.headers["cache-control"] == "no-cache"
    again = api.request(
        "GET",
        f"/jobs/{demo.open_job_ids[0]}/posting",
        headers={"If-None-Match": f'W/{first.headers["etag"]}, "other"'},
    )
    assert again.status == 304


# --- job fields -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        (
            {"address": {"locality": "Berlin", "country": "Germany"}},
            "address.country",
            "country_code",
        ),
        ({"address": {"locality": "Berlin", "country": "XX"}}, "address.country", "country_code"),
        ({"address": {"locality": "Berlin"}}, "address.country", "missing"),
        ({"address": {"country": "DE", "town": "Berlin"}}, "address.town", "unknown_field"),
        ({"remote_countries": ["US", "ZZ"]}, "remote_countries.1", "country_code"),
        ({"remote_countries": ["US", "us"]}, "remote_countries", "unique"),
        (
            {"salary": {"min": 1, "max": 2, "currency": "EURO", "unit": "YEAR"}},
            "salary.currency",
            "currency_code",
        ),
        (
            {"salary": {"min": 1, "max": 2, "currency": "XAU", "unit": "YEAR"}},
            "salary.currency",
            "currency_code",
        ),
        (
            {"salary": {"min": 90, "max": 70, "currency": "EUR", "unit": "YEAR"}},
            "salary.max",
            "salary_range",
        ),
        ({"salary": {"currency": "EUR", "unit": "YEAR"}}, "salary", "salary_amount"),
        ({"salary": {"min": 9, "currency": "EUR", "unit": "FORTNIGHT"}}, "salary.unit", "enum"),
        (
            {"salary": {"min": -1, "currency": "EUR", "unit": "YEAR"}},
            "salary.min",
            "greater_than_equal",
        ),
        ({"workplace": "moon"}, "workplace", "enum"),
        ({"valid_through": "2020-01-01T00:00:00Z"}, "valid_through", "datetime_future"),
        ({"valid_through": "2999-01-01T00:00:00"}, "valid_through", "timezone_aware"),
        ({"category": ""}, "category", "string_too_short"),
    ],
)
def test_bad_job_fields_are_refused_naming_field_and_rule(ats, demo, fields, field, rule):
    recruiter = ats.as_role("recruiter")
    created = recruiter.post_json("/ats/jobs", {"title": "Checked", **fields})
    assert created.status == 422, created.body
    assert (field, rule) in created.field_rules(), created.body
    edited = recruiter.patch_json(f"/ats/jobs/{demo.open_job_ids[0]}", fields)
    assert edited.status == 422, edited.body
    assert (field, rule) in edited.field_rules(), edited.body


def test_a_remote_job_must_say_where_its_applicants_may_live(ats, demo):
    recruiter = ats.as_role("recruiter")
    # Neither countries nor an address: Google for Jobs would not take its JSON-LD
    refused = recruiter.post_json("/ats/jobs", {"title": "Remote", "workplace": "remote"})
    assert refused.status == 422, refused.body
    assert refused.field_rules() == {("remote_countries", "remote_needs_countries")}
    created = recruiter.post_json(
        "/ats/jobs", {"title": "Remote", "workplace": "remote", "remote_countries": ["DE"]}
    )
    assert created.status == 201, created.body
    # And an edit cannot take the countries away
    edited = recruiter.patch_json(f"/ats/jobs/{demo.open_job_ids[1]}", {"remote_countries": []})
    assert edited.status == 422, edited.body
    assert edited.field_rules() == {("remote_countries", "remote_needs_countries")}


def test_the_careers_site_sees_the_new_fields(api, demo):
    job = api.get(f"/jobs/{demo.open_job_ids[0]}").json()
    assert job["address"]["locality"] == "Berlin"
    assert job["workplace"] == "on_site"
    assert job["salary"] == {"min": 70000.0, "max": 90000.0, "currency": "EUR", "unit": "YEAR"}
    assert job["category"] == "Software Development"
    assert job["location"] == "Berlin, Germany"
    assert job["posting_url"] == f"/jobs/{demo.open_job_ids[0]}/posting"
    remote = api.get(f"/jobs/{demo.open_job_ids[1]}").json()
    assert (remote["workplace"], remote["remote_countries"]) == ("remote", ["US"])


def test_jobs_stored_before_these_fields_still_load(api, demo):
    from recruiting.storage.items import JobItem

    item = JobItem.get(f"JOB#{demo.open_job_ids[0]}", "JOB")
    body = dict(item.body)
    for name in ("address", "workplace", "remote_countries", "salary", "category"):
        body.pop(name, None)
    item.body = body
    item.save()
    posting = _posting(api, demo.open_job_ids[0])
    assert posting["jobLocation"] == {"@type": "Place", "address": "Berlin, Germany"}
    assert "baseSalary" not in posting
    assert _xml_jobs(api)[str(demo.open_job_ids[0])]["city"] == "Berlin, Germany"


# --- wiring -----------------------------------------------------------------------


def test_the_sample_events_drive_the_handler(api, demo):
    from recruiting_local.context import LocalContext
    from support import EVENTS

    for name, media_type in {
        "job-posting": "application/ld+json",
        "feed-xml": "application/xml; charset=utf-8",
        "feed-json": "application/feed+json",
    }.items():
        event = json.loads((EVENTS / "intake" / f"{name}.json").read_text())
        result = api.handler(event, LocalContext("intake"))
        assert result["statusCode"] == 200, (name, result["body"])
        headers = {k.lower(): v for k, v in (result.get("multiValueHeaders") or {}).items()}
        assert headers["content-type"] == [media_type]
        assert result["isBase64Encoded"] is False


def test_the_openapi_document_names_each_media_type(aws):
    from intake.handler import openapi_document

    paths = openapi_document()["paths"]
    for path, media_type in {
        "/jobs/{job_id}/posting": "application/ld+json",
        "/feeds/{board_token}/jobs.xml": "application/xml",
        "/feeds/{board_token}/jobs.json": "application/feed+json",
    }.items():
        responses = paths[path]["get"]["responses"]
        assert media_type in responses["200"]["content"]
        assert "304" in responses
