"""Every role against every recruiter route it must not use: 401, 403 or 404,
never data, and nothing changes."""

from __future__ import annotations

import json

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from conftest import Store, aws_environment
from recruiting import wiring
from recruiting.clock import now
from recruiting.demo import seed
from recruiting.storage.jobs import JobRepository
from support import Api, RecruiterApi, application

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
    ("PATCH", "/ats/candidates/{candidate_id}/applications/{application_id}"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {"tags": ["strong"], "rating": 4},
    },
    ("POST", "/ats/candidates/{candidate_id}/applications/{application_id}/scorecards"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {"ratings": {"python": 3}, "recommendation": "yes"},
    },
    ("POST", "/ats/candidates/{candidate_id}/notes"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {"body": "Strong systems background, ask @local-admin"},
    },
    # Everyone may list their own tasks; listing someone else's is tested apart.
    ("GET", "/ats/tasks"): {"allowed": set(ROLES)},
    ("POST", "/ats/tasks"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {
            "title": "Call back",
            "assignee_id": "local-recruiter",
            "candidate_id": "{candidate_id}",
        },
    },
    # The task belongs to the recruiter who made it: others may not touch it.
    ("PATCH", "/ats/tasks/{task_id}"): {
        "allowed": {"admin", "recruiter"},
        "body": {"status": "done"},
    },
    ("GET", "/ats/pools"): {"allowed": {"admin", "recruiter"}},
    ("POST", "/ats/pools"): {"allowed": {"admin", "recruiter"}, "body": {"name": "Pool"}},
    ("GET", "/ats/pools/{pool_id}"): {"allowed": {"admin", "recruiter"}},
    ("PUT", "/ats/pools/{pool_id}/candidates/{candidate_id}"): {"allowed": {"admin", "recruiter"}},
    ("DELETE", "/ats/pools/{pool_id}/candidates/{candidate_id}"): {
        "allowed": {"admin", "recruiter"}
    },
    ("GET", "/ats/pools/{pool_id}/imports"): {"allowed": {"admin", "recruiter"}},
    ("POST", "/ats/pools/{pool_id}/imports"): {
        "allowed": {"admin", "recruiter"},
        "body": {"filename": "cv.pdf", "content_type": "application/pdf"},
    },
    ("GET", "/ats/sequences"): {"allowed": {"admin", "recruiter"}},
    ("POST", "/ats/sequences"): {
        "allowed": {"admin", "recruiter"},
        "body": {"name": "S", "steps": [{"subject": "Hi", "body": "Hello"}]},
    },
    ("GET", "/ats/sequences/{sequence_id}"): {"allowed": {"admin", "recruiter"}},
    ("POST", "/ats/sequences/{sequence_id}/enrolments"): {
        "allowed": {"admin", "recruiter"},
        "body": {"pool_id": "{pool_id}"},
    },
    ("POST", "/ats/candidates/{candidate_id}/replied"): {"allowed": {"admin", "recruiter"}},
    ("GET", "/ats/surveys"): {"allowed": {"admin", "recruiter"}, "query": "?job_id=1"},
    ("POST", "/ats/candidates/{candidate_id}/calls"): {
        "allowed": {"admin", "recruiter"},
        "body": {"summary": "Called about the role"},
    },
    ("GET", "/ats/jobs/{job_id}/self-identification"): {"allowed": {"admin"}},
    ("GET", "/ats/candidates/{candidate_id}/duplicates"): {"allowed": {"admin", "recruiter"}},
    ("GET", "/ats/search"): {"allowed": {"admin", "recruiter"}},
    ("POST", "/ats/candidates/{candidate_id}/merge"): {
        "allowed": {"admin", "recruiter"},
        "body": {"duplicate_id": "{other_candidate}"},
    },
    # Interviewers may list an application's interviews: they see only their own.
    ("GET", "/ats/candidates/{candidate_id}/applications/{application_id}/interviews"): {
        "allowed": {"admin", "recruiter", "hiring_manager", "interviewer"}
    },
    ("POST", "/ats/candidates/{candidate_id}/applications/{application_id}/interviews"): {
        "allowed": {"admin", "recruiter"},
        "body": {
            "start": "2031-01-01T10:00:00Z",
            "end": "2031-01-01T11:00:00Z",
            "time_zone": "UTC",
            "location": "Room 1",
            "interviewers": ["local-interviewer"],
        },
    },
    (
        "PATCH",
        "/ats/candidates/{candidate_id}/applications/{application_id}/interviews/{interview_id}",
    ): {"allowed": {"admin", "recruiter"}, "body": {"title": "Moved"}},
    (
        "POST",
        "/ats/candidates/{candidate_id}/applications/{application_id}/interviews/"
        "{interview_id}/cancel",
    ): {"allowed": {"admin", "recruiter"}, "body": {}},
    # Someone else's contact details: staff may read them, only admins may set them.
    ("GET", "/ats/users/{user_id}/profile"): {"allowed": {"admin", "recruiter"}},
    ("PUT", "/ats/users/{user_id}/profile"): {
        "allowed": {"admin"},
        "body": {"email": "x@acme.example", "name": "X", "time_zone": "UTC"},
    },
    # Hiring managers get reports on their own jobs only (tested in test_reports).
    ("POST", "/ats/reports"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {"report": "funnel", "from": "2026-01-01", "to": "2026-01-31"},
    },
    ("GET", "/ats/reports/{run_id}"): {"allowed": {"admin", "recruiter", "hiring_manager"}},
    ("GET", "/ats/report-subscriptions"): {"allowed": {"admin", "recruiter", "hiring_manager"}},
    ("POST", "/ats/report-subscriptions"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {"report": "funnel", "cadence": "daily"},
    },
    ("DELETE", "/ats/report-subscriptions/{subscription_id}"): {
        "allowed": {"admin", "recruiter", "hiring_manager"}
    },
    ("POST", "/ats/report-subscriptions/{subscription_id}/send"): {
        "allowed": {"admin", "recruiter", "hiring_manager"},
        "body": {},
    },
    # Privacy requests are for admins; staff record consent.
    ("GET", "/ats/candidates/{candidate_id}/privacy-export"): {"allowed": {"admin"}},
    ("POST", "/ats/candidates/{candidate_id}/erasure"): {"allowed": {"admin"}, "body": {}},
    ("GET", "/ats/candidates/{candidate_id}/erasure"): {"allowed": {"admin"}},
    ("POST", "/ats/candidates/{candidate_id}/consents"): {
        "allowed": {"admin", "recruiter"},
        "body": {
            "processing": True,
            "retention": False,
            "policy_version": "2026-01",
            "source": "email",
        },
    },
    # Sources and their apply-link tokens are staff business.
    ("GET", "/ats/sources"): {"allowed": {"admin", "recruiter"}},
    ("POST", "/ats/sources"): {"allowed": {"admin", "recruiter"}, "body": {"name": "Job fair"}},
    # Webhooks send events about every job elsewhere: admins only.
    ("GET", "/ats/webhooks"): {"allowed": {"admin"}},
    ("POST", "/ats/webhooks"): {
        "allowed": {"admin"},
        "body": {"url": "https://hooks.acme.example/x", "event_types": ["*"]},
    },
    ("GET", "/ats/webhooks/{webhook_id}"): {"allowed": {"admin"}},
    ("PATCH", "/ats/webhooks/{webhook_id}"): {"allowed": {"admin"}, "body": {"enabled": False}},
    ("DELETE", "/ats/webhooks/{webhook_id}"): {"allowed": {"admin"}},
    ("POST", "/ats/webhooks/{webhook_id}/secret"): {"allowed": {"admin"}, "body": {}},
    ("GET", "/ats/webhooks/{webhook_id}/deliveries"): {"allowed": {"admin"}},
    ("POST", "/ats/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"): {
        "allowed": {"admin"},
        "body": {},
    },
}


def test_the_matrix_covers_every_recruiter_route():
    declared = {(r.method, r.path) for r in wiring.RECRUITER.routes}
    assert declared == set(ROUTES)


def _call(ats_caller, method, path, spec, target):
    url = path.format(**target) + spec.get("query", "")
    payload = {
        k: v.format(**target) if isinstance(v, str) and v.startswith("{") else v
        for k, v in spec.get("body", {}).items()
    }
    if method in ("GET", "DELETE"):
        return ats_caller.request(method, url)
    if method in ("PATCH", "PUT"):
        return ats_caller.request(
            method, url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
    return ats_caller.post_json(url, payload)


@pytest.fixture(scope="module")
def world():
    """One environment for the whole matrix: the refused calls change nothing
    (each test checks), so they can share it."""
    with aws_environment("matrix") as env:
        # Imported once the environment is set: Powertools reads it at import.
        from intake import dependencies as intake_dependencies
        from intake import handler as intake_handler
        from recruiter import dependencies as recruiter_dependencies
        from recruiter import handler as recruiter_handler

        intake_dependencies.use(None)
        recruiter_dependencies.use(None)
        demo = seed(JobRepository(), now(), api_key="k")
        api = Api(intake_handler.lambda_handler)
        ats = RecruiterApi(recruiter_handler.lambda_handler)
        yield env, api, ats, demo, _targets(api, ats, demo)
        intake_dependencies.use(None)
        recruiter_dependencies.use(None)


@pytest.fixture
def store(world):
    return Store(world[0])


@pytest.fixture
def ats(world):
    return world[2]


@pytest.fixture
def targets(world):
    return world[4]


def _targets(api, ats, demo):
    """A candidate on the hiring manager's own job and one on another's job."""
    own = api.post_json(
        f"/jobs/{demo.open_job_ids[2]}/applications",
        application(email="own@example.com", answers={}, consent={}),
    ).json()
    other = api.post_json(
        f"/jobs/{demo.open_job_ids[1]}/applications",
        application(email="other@example.com", answers={"201": "https://x.example"}, consent={}),
    ).json()
    recruiter = ats.as_role("recruiter")
    pool_id = recruiter.post_json("/ats/pools", {"name": "Backend"}).json()["pool_id"]
    recruiter.request("PUT", f"/ats/pools/{pool_id}/candidates/{own['candidate_id']}")
    task_id = recruiter.post_json(
        "/ats/tasks",
        {
            "title": "Check references",
            "assignee_id": "local-recruiter",
            "candidate_id": own["candidate_id"],
        },
    ).json()["task_id"]
    sequence_id = recruiter.post_json(
        "/ats/sequences", {"name": "S", "steps": [{"subject": "Hi", "body": "Hello"}]}
    ).json()["sequence_id"]
    shared = {
        "pool_id": pool_id,
        "task_id": task_id,
        "sequence_id": sequence_id,
        "other_candidate": other["candidate_id"],
        "interview_id": "0" * 32,
        "user_id": "someone-else",
        "run_id": "0" * 32,
        "subscription_id": "0" * 32,
        "webhook_id": "0" * 32,
        "delivery_id": "0" * 32,
    }
    return {
        "own": {"job_id": demo.open_job_ids[2], **own, **shared},
        "other": {"job_id": demo.open_job_ids[1], **other, **shared},
    }


def _snapshot(store):
    """Every item of the tables a refused call could write, attribute by attribute.

    Read from moto's own store of the tables rather than scanned through the API:
    the same items (every one: no page limit), without serializing each table
    twice per case, which made up most of this module's time.
    """
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    tables = ("jobs", "candidates", "tasks", "outreach", "schedule", "reports", "webhooks")
    return sorted(
        json.dumps(item.to_json(), sort_keys=True)
        for t in tables
        for item in backend.get_table(store.env[wiring.table(t).env]).all_items()
    )


def _forbidden_cases():
    for (method, path), spec in ROUTES.items():
        for role in ROLES:
            if role not in spec["allowed"]:
                yield pytest.param(role, method, path, "own", id=f"{role} {method} {path}")
        if "hiring_manager" in spec["allowed"] and "{" in path and "task" not in path:
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


def test_only_staff_list_someone_elses_tasks(ats, targets):
    for role in ("hiring_manager", "interviewer"):
        reply = ats.as_role(role).get("/ats/tasks", assignee="local-recruiter")
        assert reply.status == 403
        assert set(reply.json()) <= {"error", "message", "errors"}
    assert ats.as_role("admin").get("/ats/tasks", assignee="local-recruiter").status == 200
