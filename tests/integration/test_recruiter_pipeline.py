"""Applications through the pipeline: lists, profiles, moves, outcomes."""

from __future__ import annotations

import boto3
import pytest

from recruiting import wiring
from support import TINY_PDF, application

APP = "/ats/candidates/{cid}/applications/{aid}"


def _apply(api, job_id, email="ada@example.com", **overrides):
    payload = application(email=email, **overrides)
    reply = api.post_json(f"/jobs/{job_id}/applications", payload)
    assert reply.status == 201, reply.body
    return reply.json()


def _intern_application(api, demo, email="ada@example.com"):
    return _apply(api, demo.open_job_ids[2], email, answers={}, consent={})


def _path(receipt, action):
    return APP.format(cid=receipt["candidate_id"], aid=receipt["application_id"]) + f"/{action}"


def test_applications_of_a_job_by_stage_and_by_activity(ats, api, demo):
    recruiter = ats.as_role("recruiter")
    receipts = [_intern_application(api, demo, f"person{i}@example.com") for i in range(3)]
    moved = recruiter.post_json(_path(receipts[0], "moves"), {"to_stage": "screen"})
    assert moved.status == 200, moved.body
    job = demo.open_job_ids[2]
    applied = recruiter.get(f"/ats/jobs/{job}/applications", stage="applied").json()
    assert [a["application_id"] for a in applied["applications"]] == [
        receipts[2]["application_id"],
        receipts[1]["application_id"],
    ]
    screen = recruiter.get(f"/ats/jobs/{job}/applications", stage="screen", sort="last_activity")
    assert [a["application_id"] for a in screen.json()["applications"]] == [
        receipts[0]["application_id"]
    ]
    everything = recruiter.get(f"/ats/jobs/{job}/applications", limit=2).json()
    page2 = recruiter.get(
        f"/ats/jobs/{job}/applications", limit=2, cursor=everything["next_cursor"]
    ).json()
    ids = [a["application_id"] for a in everything["applications"] + page2["applications"]]
    assert sorted(ids) == sorted(r["application_id"] for r in receipts)


def test_list_parameters_are_checked(ats, demo):
    recruiter = ats.as_role("recruiter")
    job = demo.open_job_ids[2]
    assert ("stage", "unknown_stage") in recruiter.get(
        f"/ats/jobs/{job}/applications", stage="nope"
    ).field_rules()
    assert ("sort", "needs_stage") in recruiter.get(
        f"/ats/jobs/{job}/applications", sort="last_activity"
    ).field_rules()
    assert recruiter.get(f"/ats/jobs/{job}/applications", sort="name").status == 422


def test_a_profile_shows_applications_history_and_a_short_lived_resume_link(ats, api, demo):
    receipt = _intern_application(api, demo)
    recruiter = ats.as_role("recruiter")
    recruiter.post_json(_path(receipt, "moves"), {"to_stage": "interview"})
    profile = recruiter.get(f"/ats/candidates/{receipt['candidate_id']}").json()
    assert profile["candidate"]["email"] == "ada@example.com"
    [app] = profile["applications"]
    assert app["stage"] == "interview"
    assert [
        (h["kind"], h["from_stage"], h["to_stage"], h["actor"]) for h in profile["stage_history"]
    ] == [
        ("applied", None, "applied", "candidate"),
        ("move", "applied", "interview", "local-recruiter"),
    ]
    link = app["documents"]["resume"]["download_url"]
    assert "X-Amz-Expires=300" in link
    assert "self_identification" not in str(profile)


def test_moves_record_who_and_when_and_announce_the_change(ats, api, demo, bus_events):
    receipt = _intern_application(api, demo)
    bus_events()  # drain application.received
    reply = ats.as_role("recruiter").post_json(_path(receipt, "moves"), {"to_stage": "screen"})
    assert reply.json()["stage"] == "screen"
    assert reply.json()["version"] == 2
    [event] = bus_events()
    assert event["detail-type"] == "candidate.stage_changed"
    assert event["detail"]["from_stage"] == "applied"
    assert event["detail"]["to_stage"] == "screen"
    assert event["detail"]["actor"] == "local-recruiter"


@pytest.mark.parametrize(
    ("body", "status", "field_rule"),
    [
        ({"to_stage": "nowhere"}, 422, ("to_stage", "unknown_stage")),
        ({"to_stage": "applied"}, 409, None),
        ({"to_stage": "hired"}, 409, None),
        ({"to_stage": "screen", "expected_version": 7}, 409, None),
        ({}, 422, ("to_stage", "missing")),
    ],
)
def test_illegal_moves_say_why(ats, api, demo, body, status, field_rule):
    receipt = _intern_application(api, demo)
    reply = ats.as_role("recruiter").post_json(_path(receipt, "moves"), body)
    assert reply.status == status, reply.body
    if field_rule:
        assert field_rule in reply.field_rules()
    else:
        assert reply.json()["error"] == "conflict"


def test_a_stale_concurrent_move_cannot_overwrite_the_first(ats, api, demo, store):
    # Given two recruiters who both loaded the application at version 1
    receipt = _intern_application(api, demo)
    first = ats.as_role("recruiter").post_json(
        _path(receipt, "moves"), {"to_stage": "screen", "expected_version": 1}
    )
    second = ats.as_role("admin").post_json(
        _path(receipt, "moves"), {"to_stage": "interview", "expected_version": 1}
    )
    # Then the first wins and the second is told to reload
    assert first.status == 200
    assert second.status == 409
    [app] = store.of_type("application")
    assert app["stage"] == "screen"
    assert len(store.of_type("stage_change")) == 2  # applied + the one move


def test_the_version_condition_holds_even_when_the_read_was_stale(ats, api, demo, store):
    from recruiting.ats.pipeline import PipelineService

    receipt = _intern_application(api, demo)
    recruiter = ats.as_role("recruiter")
    # Another writer moves the application between our read and our write
    original = PipelineService._check_active

    def interleave(application, expected_version):
        original(application, expected_version)
        table = boto3.resource("dynamodb").Table(store.env[wiring.CANDIDATES.env])
        table.update_item(
            Key={"pk": application.pk, "sk": application.sk},
            UpdateExpression="SET version = version + :one",
            ExpressionAttributeValues={":one": 1},
        )

    PipelineService._check_active = staticmethod(interleave)  # type: ignore[method-assign]
    try:
        reply = recruiter.post_json(_path(receipt, "moves"), {"to_stage": "screen"})
    finally:
        PipelineService._check_active = staticmethod(original)  # type: ignore[method-assign]
    assert reply.status == 409
    assert store.of_type("application")[0]["stage"] == "applied"
    assert len(store.of_type("stage_change")) == 1


def test_reject_with_a_reportable_reason_then_nothing_moves(ats, api, demo, bus_events):
    receipt = _intern_application(api, demo)
    bus_events()
    recruiter = ats.as_role("recruiter")
    reply = recruiter.post_json(
        _path(receipt, "reject"), {"reason": "position_filled", "note": "Sorry"}
    )
    assert reply.status == 200, reply.body
    assert reply.json()["status"] == "rejected"
    assert reply.json()["outcome"]["reason"] == "position_filled"
    [event] = bus_events()
    assert event["detail-type"] == "application.rejected"
    assert event["detail"]["reason"] == "position_filled"
    assert recruiter.post_json(_path(receipt, "moves"), {"to_stage": "screen"}).status == 409
    assert recruiter.post_json(_path(receipt, "reject"), {"reason": "other"}).status == 409
    assert ("reason", "enum") in recruiter.post_json(
        _path(_intern_application(api, demo, "b@example.com"), "reject"), {"reason": "vibes"}
    ).field_rules()


def test_hire_needs_a_start_date_and_reaches_the_final_stage(ats, api, demo, bus_events):
    receipt = _intern_application(api, demo)
    bus_events()
    recruiter = ats.as_role("recruiter")
    assert ("start_date", "missing") in recruiter.post_json(
        _path(receipt, "hire"), {}
    ).field_rules()
    assert ("start_date", "before_application") in recruiter.post_json(
        _path(receipt, "hire"), {"start_date": "2020-01-01"}
    ).field_rules()
    reply = recruiter.post_json(_path(receipt, "hire"), {"start_date": "2030-02-01"})
    assert reply.json()["status"] == "hired"
    assert reply.json()["stage"] == "hired"
    assert reply.json()["outcome"]["start_date"] == "2030-02-01"
    assert [e["detail-type"] for e in bus_events()] == ["application.hired"]


def test_withdraw(ats, api, demo):
    receipt = _intern_application(api, demo)
    reply = ats.as_role("recruiter").post_json(
        _path(receipt, "withdraw"), {"note": "took another offer"}
    )
    assert reply.json()["status"] == "withdrawn"


def test_unknown_candidates_and_applications(ats, demo):
    recruiter = ats.as_role("recruiter")
    assert recruiter.get("/ats/candidates/" + "0" * 32).status == 404
    fake = {"candidate_id": "0" * 32, "application_id": "1" * 32}
    assert recruiter.post_json(_path(fake, "moves"), {"to_stage": "screen"}).status == 404


def test_tiny_pdf_is_the_resume(ats, api, demo, store):
    receipt = _intern_application(api, demo)
    profile = ats.as_role("recruiter").get(f"/ats/candidates/{receipt['candidate_id']}").json()
    key = profile["applications"][0]["documents"]["resume"]
    assert key["kind"] == "pdf"
    assert (
        store.objects("applications/")[
            f"applications/{receipt['candidate_id']}/{receipt['application_id']}/resume.pdf"
        ]
        == TINY_PDF
    )
