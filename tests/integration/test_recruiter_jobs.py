"""Recruiters create, edit, open and close jobs; closing stops intake."""

from __future__ import annotations

from support import application


def _new_job(**overrides):
    payload = {
        "title": "Data Engineer",
        "department": "Engineering",
        "location": "Berlin, Germany",
        "employment_type": "full_time",
        "job_function": "Data",
        "boards": ["demo"],
        "hiring_manager_id": "local-hiring_manager",
        "questions": [
            {
                "id": 1,
                "label": "Favourite database?",
                "type": "single_select",
                "required": True,
                "options": [{"id": 1, "label": "PostgreSQL"}, {"id": 2, "label": "DynamoDB"}],
            }
        ],
        "pipeline": [
            {"id": "applied", "name": "Applied"},
            {
                "id": "tech",
                "name": "Technical interview",
                "on_enter": [{"kind": "scorecard", "title": "Technical scorecard"}],
            },
            {"id": "hired", "name": "Hired"},
        ],
    }
    payload.update(overrides)
    return payload


def test_a_recruiter_creates_a_draft_then_opens_it_for_applications(ats, api, demo):
    recruiter = ats.as_role("recruiter")
    created = recruiter.post_json("/ats/jobs", _new_job())
    assert created.status == 201, created.body
    job = created.json()
    assert job["status"] == "draft"
    assert job["recruiter_id"] == "local-recruiter"
    assert [s["id"] for s in job["pipeline"]] == ["applied", "tech", "hired"]
    # A draft is not on the careers site
    assert api.get(f"/jobs/{job['id']}").status == 404
    # Opened, it is listed and takes applications
    opened = recruiter.post_json(f"/ats/jobs/{job['id']}/open", {})
    assert opened.json()["status"] == "open"
    assert job["id"] in [j["id"] for j in api.get("/jobs").json()["jobs"]]
    reply = api.post_json(
        f"/jobs/{job['id']}/applications", application(answers={"1": 2}, consent={})
    )
    assert reply.status == 201, reply.body


def test_closing_a_job_stops_intake_with_a_clear_4xx(ats, api, demo):
    job_id = demo.open_job_ids[2]
    closed = ats.as_role("recruiter").post_json(f"/ats/jobs/{job_id}/close", {})
    assert closed.json()["status"] == "closed"
    reply = api.post_json(f"/jobs/{job_id}/applications", application(answers={}, consent={}))
    assert reply.status == 410
    assert job_id not in [j["id"] for j in api.get("/jobs").json()["jobs"]]


def test_editing_replaces_given_fields_and_unposts_dropped_boards(ats, api, demo):
    job_id = demo.open_job_ids[0]  # on demo and internal
    edited = ats.as_role("admin").patch_json(
        f"/ats/jobs/{job_id}", {"title": "Staff Backend Engineer", "boards": ["internal"]}
    )
    assert edited.status == 200, edited.body
    assert edited.json()["title"] == "Staff Backend Engineer"
    assert edited.json()["questions"][0]["id"] == 101  # untouched fields stay
    assert job_id not in [j["id"] for j in api.get("/jobs").json()["jobs"]]
    internal = api.get("/jobs", board="internal").json()["jobs"]
    assert "Staff Backend Engineer" in [j["title"] for j in internal]


def test_jobs_are_listed_by_status(ats, demo):
    recruiter = ats.as_role("recruiter")
    open_ids = {j["id"] for j in recruiter.get("/ats/jobs").json()["jobs"]}
    assert open_ids == set(demo.open_job_ids)
    closed = recruiter.get("/ats/jobs", status="closed").json()["jobs"]
    assert [j["id"] for j in closed] == [demo.closed_job_id]


def test_bad_job_definitions_name_the_field(ats, demo):
    recruiter = ats.as_role("recruiter")
    assert ("title", "missing") in recruiter.post_json("/ats/jobs", {}).field_rules()
    reply = recruiter.post_json("/ats/jobs", _new_job(pipeline=[{"id": "applied", "name": "A"}]))
    assert reply.status == 422
    assert any(rule == "value_error" for _, rule in reply.field_rules())
    reply = recruiter.post_json(
        "/ats/jobs", _new_job(pipeline=[{"id": "Bad Id", "name": "A"}, {"id": "b", "name": "B"}])
    )
    assert ("pipeline.0.id", "string_pattern_mismatch") in reply.field_rules()
    reply = recruiter.post_json(
        "/ats/jobs",
        _new_job(questions=[{"id": 1, "label": "Pick", "type": "single_select", "options": []}]),
    )
    assert reply.status == 422
    reply = recruiter.patch_json(f"/ats/jobs/{demo.open_job_ids[0]}", {"bonus": 1})
    assert ("bonus", "unknown_field") in reply.field_rules()
    reply = recruiter.request("POST", "/ats/jobs", b"{nope", {"Content-Type": "application/json"})
    assert reply.status == 400
    assert recruiter.patch_json("/ats/jobs/999", {"title": "x"}).status == 404


def test_a_board_listed_twice_is_named_not_a_server_error(ats, demo):
    # Found while fuzzing: creating answered 502 (two postings for one board in
    # one transaction) and editing a misleading 409.
    recruiter = ats.as_role("recruiter")
    reply = recruiter.post_json("/ats/jobs", _new_job(boards=["demo", "demo"]))
    assert reply.status == 422
    assert ("boards", "value_error") in reply.field_rules()
    reply = recruiter.patch_json(f"/ats/jobs/{demo.open_job_ids[0]}", {"boards": ["demo", "demo"]})
    assert reply.status == 422
    assert ("boards", "value_error") in reply.field_rules()
