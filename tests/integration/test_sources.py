"""Sources of applications: a token per job board or campaign in apply links
(gh_src), recorded on the application under the source's name."""

from __future__ import annotations

from conftest import API_KEY
from support import application, basic_auth


def test_staff_add_sources_with_their_own_or_a_drawn_token(ats):
    recruiter = ats.as_role("recruiter")
    # When a recruiter adds a source with a readable token, and one without
    fair = recruiter.post_json("/ats/sources", {"name": "Spring job fair", "kind": "event"})
    board = recruiter.post_json(
        "/ats/sources", {"name": "Acme jobs board", "kind": "job_board", "token": "acme-board"}
    )
    # Then each has a token fit for a link
    assert (fair.status, board.status) == (201, 201)
    assert board.json()["token"] == "acme-board"
    drawn = fair.json()["token"]
    assert len(drawn) >= 12
    assert drawn.replace("-", "").replace("_", "").isalnum()
    # And the list has both, by name, with who added them
    listed = recruiter.get("/ats/sources").json()["sources"]
    assert [(s["name"], s["token"], s["kind"]) for s in listed] == [
        ("Acme jobs board", "acme-board", "job_board"),
        ("Spring job fair", drawn, "event"),
    ]
    assert {s["created_by"] for s in listed} == {"local-recruiter"}
    # And a token is never given to two sources
    again = recruiter.post_json("/ats/sources", {"name": "Another", "token": "acme-board"})
    assert again.status == 409
    assert len(recruiter.get("/ats/sources").json()["sources"]) == 2


def test_a_bad_source_is_refused_by_field(ats):
    recruiter = ats.as_role("recruiter")
    for payload, field in [
        ({"name": "X", "token": "has space"}, "token"),
        ({"name": "X", "token": "a" * 65}, "token"),
        ({"name": ""}, "name"),
        ({"name": "X", "kind": "newspaper"}, "kind"),
    ]:
        reply = recruiter.post_json("/ats/sources", payload)
        assert reply.status == 422, payload
        assert [e["field"] for e in reply.json()["errors"]] == [field]
    assert recruiter.get("/ats/sources").json()["sources"] == []


def test_an_application_by_a_sources_link_records_its_name(api, ats, demo, store, bus_events):
    ats.as_role("admin").post_json(
        "/ats/sources", {"name": "LinkedIn", "kind": "social", "token": "linkedin"}
    )
    # When a person applies through a link that carried gh_src=linkedin
    reply = api.post_json(
        f"/jobs/{demo.open_job_ids[0]}/applications", application(source_token="linkedin")
    )
    assert reply.status == 201, reply.body
    # Then the application is LinkedIn's, and keeps the token
    [app] = store.of_type("application")
    assert (app["source"], app["source_token"]) == ("LinkedIn", "linkedin")
    [event] = bus_events()
    assert (event["detail"]["source"], event["detail"]["source_token"]) == ("LinkedIn", "linkedin")
    profile = ats.as_role("recruiter").get(f"/ats/candidates/{reply.json()['candidate_id']}")
    [view] = profile.json()["applications"]
    assert (view["source"], view["source_token"]) == ("LinkedIn", "linkedin")


def test_a_token_no_source_has_is_kept_and_a_malformed_one_refused(api, demo, store):
    # A token from an old link still says where the person came from
    kept = api.post_json(
        f"/jobs/{demo.open_job_ids[0]}/applications",
        application(email="old@example.com", source_token="spring2025"),
    )
    assert kept.status == 201
    [app] = store.of_type("application")
    assert (app["source"], app["source_token"]) == ("spring2025", "spring2025")
    # But a token that cannot have come from a link is refused, naming the field
    refused = api.post_json(
        f"/jobs/{demo.open_job_ids[0]}/applications",
        application(email="new@example.com", source_token="<script>"),
    )
    assert refused.status == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["source_token"]
    assert len(store.of_type("application")) == 1


def test_greenhouses_mapped_url_token_names_the_source(api, ats, demo, store):
    ats.as_role("recruiter").post_json(
        "/ats/sources", {"name": "Indeed", "kind": "job_board", "token": "indeed01"}
    )
    reply = api.post_json(
        f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}",
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@example.com",
            "question_101": "Compilers.",
            "question_102": "1",
            "mapped_url_token": "indeed01",
            "data_compliance": {
                "gdpr_processing_consent_given": True,
                "gdpr_retention_consent_given": True,
            },
        },
        basic_auth(API_KEY),
    )
    assert reply.status == 200, reply.body
    [app] = store.of_type("application")
    assert (app["channel"], app["source"], app["source_token"]) == (
        "greenhouse",
        "Indeed",
        "indeed01",
    )


def test_free_text_sources_stay_on_the_application_and_out_of_events(api, demo, store, bus_events):
    # A careers site's "how did you hear of us" is the applicant's own words
    reply = api.post_json(
        f"/jobs/{demo.open_job_ids[0]}/applications",
        application(source="a friend, Jane Doe, told me"),
    )
    assert reply.status == 201
    [app] = store.of_type("application")
    assert app["source"] == "a friend, Jane Doe, told me"
    # and never leaves the platform in an event (webhooks send events out)
    [event] = bus_events()
    assert (event["detail"]["source"], event["detail"]["source_token"]) == (None, None)
    assert "Jane" not in str(event)


def test_a_greenhouse_token_that_cannot_be_one_is_kept_as_the_source(api, demo, store):
    reply = api.post_json(
        f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}",
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@example.com",
            "question_101": "Compilers.",
            "question_102": "1",
            "mapped_url_token": "spring.fair/2026",
            "data_compliance": {
                "gdpr_processing_consent_given": True,
                "gdpr_retention_consent_given": True,
            },
        },
        basic_auth(API_KEY),
    )
    assert reply.status == 200, reply.body
    [app] = store.of_type("application")
    assert (app["source"], app.get("source_token")) == ("spring.fair/2026", None)
