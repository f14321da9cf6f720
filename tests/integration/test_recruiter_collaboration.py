"""Notes with mentions, tasks, scorecards, tags and ratings, talent pools,
and stage automations that run once per entry."""

from __future__ import annotations

import json

from support import application


def _intern_application(api, demo, email="ada@example.com"):
    reply = api.post_json(
        f"/jobs/{demo.open_job_ids[2]}/applications",
        application(email=email, answers={}, consent={}),
    )
    assert reply.status == 201, reply.body
    return reply.json()


def _app_path(receipt):
    return f"/ats/candidates/{receipt['candidate_id']}/applications/{receipt['application_id']}"


def test_a_note_mentioning_a_teammate_gives_them_a_task(ats, api, demo):
    receipt = _intern_application(api, demo)
    recruiter = ats.as_role("recruiter")
    reply = recruiter.post_json(
        f"/ats/candidates/{receipt['candidate_id']}/notes",
        {"body": "Great call. @local-hiring_manager can you review? cc me@example.com"},
    )
    assert reply.status == 201, reply.body
    note = reply.json()
    assert note["mentions"] == ["local-hiring_manager"]  # an e-mail address is not a mention
    tasks = ats.as_role("hiring_manager").get("/ats/tasks").json()["tasks"]
    assert [(t["title"], t["origin"], t["candidate_id"]) for t in tasks] == [
        ("You were mentioned in a note on Ada Lovelace", "mention", receipt["candidate_id"])
    ]
    profile = recruiter.get(f"/ats/candidates/{receipt['candidate_id']}").json()
    assert [n["note_id"] for n in profile["notes"]] == [note["note_id"]]
    assert [e["type"] for e in profile["timeline"]] == ["stage_change", "note"]


def test_notes_and_tasks_validate_their_input(ats, api, demo):
    receipt = _intern_application(api, demo)
    recruiter = ats.as_role("recruiter")
    path = f"/ats/candidates/{receipt['candidate_id']}/notes"
    assert ("body", "string_too_short") in recruiter.post_json(path, {"body": ""}).field_rules()
    assert ("application_id", "unknown_application") in recruiter.post_json(
        path, {"body": "x", "application_id": "f" * 32}
    ).field_rules()
    reply = recruiter.post_json("/ats/tasks", {"title": "x", "assignee_id": "someone"})
    assert reply.status == 422
    reply = recruiter.post_json(
        "/ats/tasks",
        {"title": "x", "assignee_id": "someone", "job_id": 1, "due_at": "2030-01-01T09:00:00"},
    )
    assert reply.status == 422


def test_tasks_are_listed_by_assignee_and_due_date_and_completed(ats, api, demo):
    receipt = _intern_application(api, demo)
    recruiter = ats.as_role("recruiter")
    later = recruiter.post_json(
        "/ats/tasks",
        {
            "title": "Send offer",
            "assignee_id": "local-recruiter",
            "job_id": demo.open_job_ids[2],
            "due_at": "2030-03-01T09:00:00+01:00",
        },
    ).json()
    sooner = recruiter.post_json(
        "/ats/tasks",
        {
            "title": "Check references",
            "assignee_id": "local-recruiter",
            "candidate_id": receipt["candidate_id"],
            "due_at": "2030-02-01T09:00:00Z",
        },
    ).json()
    undated = recruiter.post_json(
        "/ats/tasks",
        {
            "title": "Say thanks",
            "assignee_id": "local-recruiter",
            "candidate_id": receipt["candidate_id"],
        },
    ).json()
    mine = recruiter.get("/ats/tasks").json()["tasks"]
    assert [t["task_id"] for t in mine] == [sooner["task_id"], later["task_id"], undated["task_id"]]
    done = recruiter.patch_json(f"/ats/tasks/{sooner['task_id']}", {"status": "done"}).json()
    assert done["status"] == "done"
    assert done["completed_at"] is not None
    assert [t["task_id"] for t in recruiter.get("/ats/tasks", status="done").json()["tasks"]] == [
        sooner["task_id"]
    ]
    about = recruiter.get("/ats/tasks", candidate_id=receipt["candidate_id"]).json()["tasks"]
    assert {t["task_id"] for t in about} == {undated["task_id"]}


def test_scorecards_one_per_interviewer_per_interview(ats, api, demo):
    receipt = _intern_application(api, demo)
    path = _app_path(receipt) + "/scorecards"
    manager = ats.as_role("hiring_manager")
    first = manager.post_json(
        path, {"interview": "tech", "ratings": {"python": 2}, "recommendation": "no"}
    )
    assert first.status == 201, first.body
    manager.post_json(
        path, {"interview": "tech", "ratings": {"python": 4, "design": 3}, "recommendation": "yes"}
    )
    ats.as_role("recruiter").post_json(
        path, {"ratings": {"communication": 4}, "recommendation": "strong_yes"}
    )
    profile = ats.as_role("recruiter").get(f"/ats/candidates/{receipt['candidate_id']}").json()
    cards = {(c["interview"], c["author"]): c for c in profile["scorecards"]}
    assert set(cards) == {("tech", "local-hiring_manager"), ("general", "local-recruiter")}
    assert cards[("tech", "local-hiring_manager")]["ratings"] == {"python": 4, "design": 3}
    bad = manager.post_json(path, {"ratings": {"python": 9}, "recommendation": "maybe"})
    assert {f for f, _ in bad.field_rules()} == {"ratings.python", "recommendation"}


def test_tags_and_ratings_filter_a_jobs_applications(ats, api, demo):
    receipts = [_intern_application(api, demo, f"p{i}@example.com") for i in range(3)]
    recruiter = ats.as_role("recruiter")
    assert recruiter.patch_json(
        _app_path(receipts[0]), {"tags": ["python", "senior"], "rating": 5}
    ).json() == {
        "application_id": receipts[0]["application_id"],
        "tags": ["python", "senior"],
        "rating": 5,
    }
    recruiter.patch_json(_app_path(receipts[1]), {"tags": ["python"], "rating": 2})
    job = demo.open_job_ids[2]
    tagged = recruiter.get(f"/ats/jobs/{job}/applications", tag="python").json()["applications"]
    assert {a["application_id"] for a in tagged} == {r["application_id"] for r in receipts[:2]}
    rated = recruiter.get(f"/ats/jobs/{job}/applications", min_rating=4).json()["applications"]
    assert [a["application_id"] for a in rated] == [receipts[0]["application_id"]]
    assert ("tags.0", "string_pattern_mismatch") in recruiter.patch_json(
        _app_path(receipts[2]), {"tags": ["Not A Tag"]}
    ).field_rules()


def test_pools_keep_members_when_a_prospect_applies(ats, api, demo, store):
    recruiter = ats.as_role("recruiter")
    first = _intern_application(api, demo)
    pool = recruiter.post_json(
        "/ats/pools", {"name": "Backend", "description": "Python people"}
    ).json()
    added = recruiter.request(
        "PUT", f"/ats/pools/{pool['pool_id']}/candidates/{first['candidate_id']}"
    )
    assert added.json()["added"] is True
    again = recruiter.request(
        "PUT", f"/ats/pools/{pool['pool_id']}/candidates/{first['candidate_id']}"
    )
    assert again.json()["added"] is False
    # The same person applies to another job: same candidate, still in the pool
    second = api.post_json(
        f"/jobs/{demo.open_job_ids[0]}/applications", application(email="ada@example.com")
    ).json()
    assert second["candidate_id"] == first["candidate_id"]
    members = recruiter.get(f"/ats/pools/{pool['pool_id']}").json()["members"]
    assert [m["candidate_id"] for m in members] == [first["candidate_id"]]
    assert recruiter.get(f"/ats/candidates/{first['candidate_id']}").json()["pools"] == [
        pool["pool_id"]
    ]
    assert [p["name"] for p in recruiter.get("/ats/pools").json()["pools"]] == ["Backend"]
    removed = recruiter.request(
        "DELETE", f"/ats/pools/{pool['pool_id']}/candidates/{first['candidate_id']}"
    )
    assert removed.status == 204
    assert recruiter.get(f"/ats/pools/{pool['pool_id']}").json()["members"] == []
    assert (
        recruiter.request("PUT", f"/ats/pools/{pool['pool_id']}/candidates/{'0' * 32}").status
        == 404
    )


def test_stage_automations_run_once_per_entry(ats, api, demo, bus_events):
    recruiter = ats.as_role("recruiter")
    job = recruiter.post_json(
        "/ats/jobs",
        {
            "title": "Platform Engineer",
            "boards": ["demo"],
            "hiring_manager_id": "local-hiring_manager",
            "pipeline": [
                {"id": "applied", "name": "Applied"},
                {
                    "id": "tech",
                    "name": "Technical interview",
                    "on_enter": [
                        {"kind": "scorecard", "title": "Technical scorecard"},
                        {"kind": "task", "title": "Book the interview", "role": "recruiter"},
                        {"kind": "email", "title": "Next steps", "template": "Hi {{ first_name }}"},
                    ],
                },
                {"id": "hired", "name": "Hired"},
            ],
        },
    ).json()
    recruiter.post_json(f"/ats/jobs/{job['id']}/open", {})
    receipt = api.post_json(
        f"/jobs/{job['id']}/applications", application(answers={}, consent={})
    ).json()
    bus_events()
    path = _app_path(receipt)
    moved = recruiter.post_json(path + "/moves", {"to_stage": "tech", "expected_version": 1})
    assert moved.status == 200
    # A retry of the same move (same version) is refused, so nothing runs twice
    assert (
        recruiter.post_json(path + "/moves", {"to_stage": "tech", "expected_version": 1}).status
        == 409
    )
    manager_tasks = ats.as_role("hiring_manager").get("/ats/tasks").json()["tasks"]
    assert [t["title"] for t in manager_tasks] == ["Technical scorecard"]
    recruiter_tasks = recruiter.get("/ats/tasks").json()["tasks"]
    assert [t["title"] for t in recruiter_tasks] == ["Book the interview"]
    [event] = [e for e in bus_events() if e["detail-type"] == "candidate.stage_changed"]
    assert len(event["detail"]["tasks_created"]) == 2
    assert [a["kind"] for a in event["detail"]["automations"]] == ["email"]
    # Entering the stage again later is a new entry: its automations run again
    recruiter.post_json(path + "/moves", {"to_stage": "applied"})
    recruiter.post_json(path + "/moves", {"to_stage": "tech"})
    assert len(ats.as_role("hiring_manager").get("/ats/tasks").json()["tasks"]) == 2
    assert json.dumps(event).count("Ada") == 0


def test_admins_see_self_identification_only_in_aggregate(ats, api, demo):
    job = demo.open_job_ids[0]
    for i in range(6):
        answers = {"1": {"option_ids": [11 if i < 5 else 12]}, "2": {"option_ids": [23]}}
        api.post_json(
            f"/jobs/{job}/applications",
            application(email=f"p{i}@example.com", self_identification=answers),
        )
    report = ats.as_role("admin").get(f"/ats/jobs/{job}/self-identification").json()
    assert report["respondents"] == 6
    gender = {o["label"]: o["count"] for o in report["questions"][0]["options"]}
    assert gender["Woman"] == 5
    assert gender["Man"] == "<5"  # one person: not shown
    assert gender["Non-binary"] == 0
    assert "p0@example.com" not in str(report)
    assert ats.as_role("recruiter").get(f"/ats/jobs/{job}/self-identification").status == 403


def test_people_sharing_a_phone_or_linkedin_are_flagged_and_merged(
    ats, api, demo, store, bus_events
):
    # Given the same person applying twice with two e-mail addresses
    first = api.post_json(
        f"/jobs/{demo.open_job_ids[2]}/applications",
        application(
            email="ada@work.example",
            answers={},
            consent={},
            links=["https://www.linkedin.com/in/Ada-Lovelace/"],
        ),
    ).json()
    second = api.post_json(
        f"/jobs/{demo.open_job_ids[0]}/applications",
        application(
            email="ada@home.example",
            phone="+49 30 901820",
            links=["https://linkedin.com/in/ada-lovelace"],
        ),
    ).json()
    assert first["candidate_id"] != second["candidate_id"]
    recruiter = ats.as_role("recruiter")
    recruiter.post_json(
        f"/ats/candidates/{second['candidate_id']}/notes", {"body": "Met at the fair"}
    )
    pool = recruiter.post_json("/ats/pools", {"name": "Analysts"}).json()["pool_id"]
    recruiter.request("PUT", f"/ats/pools/{pool}/candidates/{second['candidate_id']}")
    # Then each is flagged as the other's possible duplicate
    found = recruiter.get(f"/ats/candidates/{first['candidate_id']}/duplicates").json()[
        "duplicates"
    ]
    assert [(d["candidate_id"], d["matched_on"]) for d in found] == [
        (second["candidate_id"], ["linkedin", "phone"])
    ]
    bus_events()
    # When they are merged
    merged = recruiter.post_json(
        f"/ats/candidates/{first['candidate_id']}/merge", {"duplicate_id": second["candidate_id"]}
    )
    assert merged.status == 200, merged.body
    # Then one profile holds both applications, the note, the pool and the history
    profile = recruiter.get(f"/ats/candidates/{first['candidate_id']}").json()
    assert {a["application_id"] for a in profile["applications"]} == {
        first["application_id"],
        second["application_id"],
    }
    assert [n["body"] for n in profile["notes"]] == ["Met at the fair"]
    assert profile["pools"] == [pool]
    assert len(profile["stage_history"]) == 2
    assert recruiter.get(f"/ats/candidates/{second['candidate_id']}").status == 404
    assert (
        recruiter.get(f"/ats/candidates/{first['candidate_id']}/duplicates").json()["duplicates"]
        == []
    )
    # And the merge is audited, announced, and the other address now finds the kept person
    [audit] = store.of_type("merge")
    assert (audit["merged_from"], audit["actor"]) == (second["candidate_id"], "local-recruiter")
    assert [e["detail-type"] for e in bus_events()] == ["candidate.merged"]
    again = api.post_json(
        f"/jobs/{demo.open_job_ids[0]}/applications",
        application(email="ada@home.example"),
    ).json()
    assert again == second | {"candidate_id": first["candidate_id"]}
    assert (
        recruiter.post_json(
            f"/ats/candidates/{first['candidate_id']}/merge",
            {"duplicate_id": first["candidate_id"]},
        ).status
        == 422
    )


def test_notes_scorecards_and_tasks_are_announced_without_personal_data(ats, api, demo, bus_events):
    receipt = _intern_application(api, demo)
    bus_events()
    recruiter = ats.as_role("recruiter")
    recruiter.post_json(
        f"/ats/candidates/{receipt['candidate_id']}/notes", {"body": "Ada is great"}
    )
    recruiter.post_json(
        _app_path(receipt) + "/scorecards", {"ratings": {"python": 4}, "recommendation": "yes"}
    )
    task = recruiter.post_json(
        "/ats/tasks",
        {
            "title": "Call Ada",
            "assignee_id": "local-recruiter",
            "candidate_id": receipt["candidate_id"],
        },
    ).json()
    recruiter.patch_json(f"/ats/tasks/{task['task_id']}", {"status": "done"})
    events = bus_events()
    assert [(e["detail-type"], e["detail"].get("change")) for e in events] == [
        ("candidate.updated", "note"),
        ("candidate.updated", "scorecard"),
        ("task.created", None),
        ("task.updated", None),
    ]
    assert "Ada" not in json.dumps(events)


def test_a_retried_note_or_task_with_the_same_key_is_made_once(ats, api, demo, store):
    receipt = _intern_application(api, demo)
    recruiter = ats.as_role("recruiter")
    note = {"body": "Ping @local-hiring_manager"}
    key = {"Idempotency-Key": "note-1"}
    path = f"/ats/candidates/{receipt['candidate_id']}/notes"
    first = recruiter.request(
        "POST", path, json.dumps(note).encode(), {"Content-Type": "application/json", **key}
    )
    again = recruiter.request(
        "POST", path, json.dumps(note).encode(), {"Content-Type": "application/json", **key}
    )
    assert first.status == again.status == 201
    assert again.json() == first.json()
    assert len(store.of_type("note")) == 1
    assert len(store.items("tasks")) == 1  # the mention's task, once
    task = {
        "title": "Call",
        "assignee_id": "local-recruiter",
        "candidate_id": receipt["candidate_id"],
    }
    for _ in range(2):
        recruiter.request(
            "POST",
            "/ats/tasks",
            json.dumps(task).encode(),
            {"Content-Type": "application/json", "Idempotency-Key": "task-1"},
        )
    assert len(store.items("tasks")) == 2
