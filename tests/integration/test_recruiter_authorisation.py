"""Every role against every recruiter route it must not use: 401, 403 or 404,
never data, and nothing changes."""

from __future__ import annotations

import pytest

from recruiting import wiring
from support import application

ROLES = ("admin", "recruiter", "hiring_manager", "interviewer")
# What each route needs to be called; {own} is a job of the hiring manager
# behind the local token, {other} is another hiring manager's job.
ROUTES = {
    ("GET", "/ats/jobs"): {"allowed": {"admin", "recruiter", "hiring_manager"}},
    ("POST", "/ats/jobs"): {"allowed": {"admin", "recruiter"}, "body": {"title": "X"}},
    ("GET", "/ats/jobs/{job_id}"): {"allowed": {"admin", "recruiter", "hiring_manager"}},
    ("PATCH", "/ats/jobs/{job_id}"): {"allowed": {"admin", "recruiter"}, "body": {"title": "Y"}},
    ("POST", "/ats/jobs/{job_id}/open"): {"allowed": {"admin", "recruiter"}, "body": {}},
    ("POST", "/ats/jobs/{job_id}/close"): {"allowed": {"admin", "recruiter"}, "body": {}},
    ("GET", "/ats/jobs/{job_id}/applications"): {
        "allowed": {"admin", "recruiter", "hiring_manager"}
    },
    ("GET", "/ats/candidates/{candidate_id}"): {
        "allowed": {"admin", "recruiter", "hiring_manager"}
    },
    ("POST", "/ats/candidates/{candidate_id}/applications/{application_id}/moves"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {"to_stage": "screen"},
    },
    ("POST", "/ats/candidates/{candidate_id}/applications/{application_id}/reject"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {"reason": "other"},
    },
    ("POST", "/ats/candidates/{candidate_id}/applications/{application_id}/withdraw"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {},
    },
    ("POST", "/ats/candidates/{candidate_id}/applications/{application_id}/hire"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {"start_date": "2031-01-01"},
    },
}


def test_the_matrix_covers_every_recruiter_route():
    declared = {(r.method, r.path) for r in wiring.RECRUITER.routes}
    assert declared == set(ROUTES)


def _call(ats_caller, method, path, spec, target):
    url = path.format(**target)
    if method == "GET":
        return ats_caller.get(url)
    if method == "PATCH":
        return ats_caller.patch_json(url, spec.get("body", {}))
    return ats_caller.post_json(url, spec.get("body", {}))


@pytest.fixture
def targets(api, demo):
    """A candidate on the hiring manager's own job and one on another's job."""
    own = api.post_json(
        f"/jobs/{demo.open_job_ids[2]}/applications",
        application(email="own@example.com", answers={}, consent={}),
    ).json()
    other = api.post_json(
        f"/jobs/{demo.open_job_ids[1]}/applications",
        application(email="other@example.com", answers={"201": "https://x.example"}, consent={}),
    ).json()
    return {
        "own": {"job_id": demo.open_job_ids[2], **own},
        "other": {"job_id": demo.open_job_ids[1], **other},
    }


def _snapshot(store):
    return sorted(str(i) for i in store.items("jobs") + store.items("candidates"))


def _forbidden_cases():
    for (method, path), spec in ROUTES.items():
        for role in ROLES:
            if role not in spec["allowed"]:
                yield pytest.param(role, method, path, "own", id=f"{role} {method} {path}")
        if "hiring_manager" in spec["allowed"] and "{" in path:
            yield pytest.param(
                "hiring_manager",
                method,
                path,
                "other",
                id=f"hiring_manager {method} {path} (other's job)",
            )


@pytest.mark.parametrize(("role", "method", "path", "which"), list(_forbidden_cases()))
def test_a_role_outside_its_rights_gets_no_data_and_changes_nothing(
    ats, store, targets, role, method, path, which
):
    before = _snapshot(store)
    reply = _call(ats.as_role(role), method, path, ROUTES[(method, path)], targets[which])
    assert reply.status in (403, 404), reply.body
    assert set(reply.json()) <= {"error", "message", "errors"}
    assert _snapshot(store) == before


@pytest.mark.parametrize(("method", "path"), list(ROUTES))
def test_no_token_or_no_recruiting_role_is_refused(ats, store, targets, method, path):
    before = _snapshot(store)
    anonymous = _call(ats, method, path, ROUTES[(method, path)], targets["own"])
    assert anonymous.status == 401
    stranger = ats.as_role("candidate")
    assert _call(stranger, method, path, ROUTES[(method, path)], targets["own"]).status == 403
    assert _snapshot(store) == before


def test_a_hiring_manager_sees_and_moves_only_their_own_jobs_candidates(ats, targets):
    manager = ats.as_role("hiring_manager")
    listed = {j["id"] for j in manager.get("/ats/jobs").json()["jobs"]}
    assert targets["own"]["job_id"] in listed
    assert targets["other"]["job_id"] not in listed
    own = targets["own"]
    path = f"/ats/candidates/{own['candidate_id']}/applications/{own['application_id']}/moves"
    assert manager.post_json(path, {"to_stage": "screen"}).status == 200
