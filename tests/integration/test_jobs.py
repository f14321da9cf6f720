"""GET /jobs and GET /jobs/{job_id}: what a careers site shows."""

from __future__ import annotations


def test_lists_the_open_jobs_of_the_default_board(api, demo):
    # Given the demo organisation (4 open jobs, 1 internal only, 1 closed)
    # When the careers site lists jobs
    reply = api.get("/jobs")
    # Then it sees the open external jobs only
    assert reply.status == 200
    titles = {job["title"] for job in reply.json()["jobs"]}
    assert titles == {"Senior Backend Engineer", "Product Designer", "Robotics Intern"}
    assert reply.json()["next_cursor"] is None


def test_filters_by_department_location_and_employment_type(api, demo):
    assert {j["title"] for j in api.get("/jobs", department="Engineering").json()["jobs"]} == {
        "Senior Backend Engineer",
        "Robotics Intern",
    }
    assert [j["title"] for j in api.get("/jobs", employment_type="internship").json()["jobs"]] == [
        "Robotics Intern"
    ]
    assert [j["title"] for j in api.get("/jobs", location="Remote (US)").json()["jobs"]] == [
        "Product Designer"
    ]


def test_pages_through_jobs_with_a_cursor(api, demo):
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        query = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = api.get("/jobs", **query).json()
        seen.extend(job["id"] for job in page["jobs"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 3
    assert len(set(seen)) == 3


def test_another_board_lists_its_own_jobs(api, demo):
    titles = {j["title"] for j in api.get("/jobs", board="internal").json()["jobs"]}
    assert titles == {"Senior Backend Engineer", "Customer Support Specialist"}


def test_bad_listing_parameters_name_the_field(api, demo):
    assert ("limit", "less_than_equal") in api.get("/jobs", limit=1000).field_rules()
    assert ("cursor", "cursor") in api.get("/jobs", cursor="not-a-cursor").field_rules()
    reply = api.get("/jobs", employment_type="forever")
    assert reply.status == 422
    assert {f for f, _ in reply.field_rules()} == {"employment_type"}


def test_unknown_board_is_not_found(api, demo):
    assert api.get("/jobs", board="nope").status == 404


def test_a_job_shows_its_questions_consent_and_self_identification(api, demo):
    job_id = demo.open_job_ids[0]
    reply = api.get(f"/jobs/{job_id}")
    assert reply.status == 200
    job = reply.json()
    assert job["title"] == "Senior Backend Engineer"
    assert [q["id"] for q in job["questions"]] == [101, 102, 103, 104, 105]
    assert job["questions"][2]["options"][0] == {"id": 1, "label": "Python", "free_form": False}
    assert job["consent"]["requires_processing_consent"] is True
    assert job["consent"]["retention_days"] == 365
    assert [q["label"] for q in job["self_identification"]["questions"]] == [
        "Gender",
        "Which of these describe you?",
    ]
    assert job["apply_url"] == f"/jobs/{job_id}/applications"


def test_closed_unknown_and_malformed_job_ids(api, demo):
    assert api.get(f"/jobs/{demo.closed_job_id}").status == 404
    assert api.get("/jobs/999").status == 404
    reply = api.get("/jobs/abc")
    assert reply.status == 422
    assert {f for f, _ in reply.field_rules()} == {"job_id"}


def test_the_sample_events_drive_the_handler(api, demo):
    import json

    from recruiting_local.context import LocalContext
    from support import EVENTS

    expected = {
        "list-jobs": 200,
        "get-job": 200,
        "apply-json": 201,
        "apply-multipart": 201,
        "request-upload": 201,
        "greenhouse-list-jobs": 200,
        "greenhouse-apply": 200,
    }
    for name, status in expected.items():
        event = json.loads((EVENTS / "intake" / f"{name}.json").read_text())
        result = api.handler(event, LocalContext("intake"))
        assert result["statusCode"] == status, (name, result["body"])


def test_the_openapi_document_describes_every_route_and_the_application_form(aws):
    from intake.handler import openapi_document
    from recruiting import wiring

    document = openapi_document()
    declared = {(r.method.lower(), r.path) for r in wiring.INTAKE.routes}
    documented = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert declared <= documented
    body = document["paths"]["/jobs/{job_id}/applications"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/ApplicationForm")
    form = document["components"]["schemas"]["ApplicationForm"]
    assert set(form["required"]) == {"first_name", "last_name", "email"}


def test_careers_site_origins_get_cors_headers_and_others_do_not(api, demo, monkeypatch):
    monkeypatch.setenv(
        "CAREERS_SITE_ORIGINS", "https://careers.example.com, https://jobs.example.com"
    )
    allowed = api.request("GET", "/jobs", headers={"Origin": "https://jobs.example.com"})
    assert allowed.headers["access-control-allow-origin"] == "https://jobs.example.com"
    other = api.request("GET", "/jobs", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    assert other.headers["vary"] == "Origin"


def test_refusals_carry_cors_headers_so_careers_sites_can_show_them(api, demo, monkeypatch):
    monkeypatch.setenv("CAREERS_SITE_ORIGINS", "https://careers.example.com")
    reply = api.request(
        "POST",
        f"/jobs/{demo.open_job_ids[0]}/applications",
        b"{}",
        {"Origin": "https://careers.example.com", "Content-Type": "application/json"},
    )
    assert reply.status == 422
    assert reply.headers["access-control-allow-origin"] == "https://careers.example.com"
