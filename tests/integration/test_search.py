"""Candidate search: keywords with filters, kept in step by the indexer that
follows the event bus through its queue."""

from __future__ import annotations

import json

import boto3
import pytest

from recruiting import wiring
from recruiting_local.context import LocalContext
from recruiting_local.pump import sqs_event
from support import application


@pytest.fixture
def index(aws):
    """Deliver what waits on the search queue to the indexer, as the pump would."""
    from search_indexer import handler

    handler.use(None)
    sqs = boto3.client("sqs")
    url = aws[wiring.SEARCH_UPDATES_QUEUE.env]

    def deliver() -> dict:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        while messages:
            result = handler.lambda_handler(
                sqs_event(messages, "arn:aws:sqs:us-east-1:1:q"), LocalContext("search_indexer")
            )
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            for message in messages:
                if message["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            if failed:
                return result
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return {"batchItemFailures": []}

    yield deliver
    handler.use(None)


def _apply(api, job, email, resume, employments=(), educations=(), location="Berlin"):
    payload = application(
        email=email,
        answers={},
        consent={},
        location=location,
        resume={"text": resume},
        employments=list(employments),
        educations=list(educations),
    )
    reply = api.post_json(f"/jobs/{job}/applications", payload)
    assert reply.status == 201, reply.body
    return reply.json()


@pytest.fixture
def people(api, demo, index):
    job = demo.open_job_ids[2]
    ada = _apply(
        api,
        job,
        "ada@example.com",
        "Python and AWS Lambda, DynamoDB at scale.",
        employments=[
            {
                "company_name": "Engines Ltd",
                "title": "Backend Engineer",
                "start_date": {"year": 2015, "month": 1},
                "end_date": {"year": 2020, "month": 12},
            },
            {
                "company_name": "Side gig",
                "title": "Consultant",
                "start_date": {"year": 2018, "month": 1},
                "end_date": {"year": 2022, "month": 12},
            },
        ],
        educations=[{"school": "UCL", "degree": "MSc Computer Science"}],
    )
    grace = _apply(
        api,
        job,
        "grace@example.com",
        "COBOL compilers; some Python.",
        location="Boston, MA",
        educations=[{"school": "Yale", "degree": "PhD Mathematics"}],
    )
    katherine = _apply(api, job, "kj@example.com", "Orbital mechanics in Fortran.")
    assert index()["batchItemFailures"] == []
    return {"ada": ada, "grace": grace, "katherine": katherine}


def _ids(reply):
    assert reply.status == 200, reply.body
    return {r["candidate_id"] for r in reply.json()["results"]}


def test_keywords_match_resume_text_and_titles(ats, people):
    recruiter = ats.as_role("recruiter")
    assert _ids(recruiter.get("/ats/search", q="python")) == {
        people["ada"]["candidate_id"],
        people["grace"]["candidate_id"],
    }
    assert _ids(recruiter.get("/ats/search", q="Python DynamoDB")) == {
        people["ada"]["candidate_id"]
    }
    assert _ids(recruiter.get("/ats/search", q="backend engineer")) == {
        people["ada"]["candidate_id"]
    }
    assert _ids(recruiter.get("/ats/search", q="fortran")) == {people["katherine"]["candidate_id"]}
    assert _ids(recruiter.get("/ats/search", q="haskell")) == set()


def test_filters_narrow_the_results(ats, people):
    recruiter = ats.as_role("recruiter")
    # Ada worked 2015-2020 and 2018-2022 (overlapping): 8 years, not 10
    [ada] = recruiter.get("/ats/search", q="python", min_years=5).json()["results"]
    assert ada["years_experience"] == pytest.approx(8.0, abs=0.1)
    assert ada["education_level"] == "master"
    assert _ids(recruiter.get("/ats/search", q="python", education="doctorate")) == {
        people["grace"]["candidate_id"]
    }
    assert _ids(recruiter.get("/ats/search", q="python", location="boston")) == {
        people["grace"]["candidate_id"]
    }


def test_tags_pools_and_stages_follow_changes(ats, people, index):
    recruiter = ats.as_role("recruiter")
    ada, grace = people["ada"], people["grace"]
    recruiter.patch_json(
        f"/ats/candidates/{ada['candidate_id']}/applications/{ada['application_id']}",
        {"tags": ["cloud"]},
    )
    pool = recruiter.post_json("/ats/pools", {"name": "Compilers"}).json()["pool_id"]
    recruiter.request("PUT", f"/ats/pools/{pool}/candidates/{grace['candidate_id']}")
    recruiter.post_json(
        f"/ats/candidates/{grace['candidate_id']}/applications/{grace['application_id']}/moves",
        {"to_stage": "interview"},
    )
    assert index()["batchItemFailures"] == []
    assert _ids(recruiter.get("/ats/search", q="python", tag="cloud")) == {ada["candidate_id"]}
    assert _ids(recruiter.get("/ats/search", q="python", pool=pool)) == {grace["candidate_id"]}
    assert _ids(recruiter.get("/ats/search", q="python", stage="interview")) == {
        grace["candidate_id"]
    }
    assert _ids(recruiter.get("/ats/search", q="python", stage="applied")) == {ada["candidate_id"]}


def test_a_redelivered_change_indexes_the_same(ats, people, index, aws):
    from search_indexer import handler

    body = json.dumps(
        {
            "detail-type": "candidate.updated",
            "detail": {"candidate_id": people["ada"]["candidate_id"]},
        }
    )
    message = {"MessageId": "m1", "ReceiptHandle": "r", "Body": body}
    for _ in range(2):
        result = handler.lambda_handler(
            sqs_event([message], "arn:q"), LocalContext("search_indexer")
        )
        assert result["batchItemFailures"] == []
    assert _ids(ats.as_role("recruiter").get("/ats/search", q="dynamodb")) == {
        people["ada"]["candidate_id"]
    }


def test_a_broken_message_fails_alone(people):
    from search_indexer import handler

    good = {
        "MessageId": "ok",
        "ReceiptHandle": "r1",
        "Body": json.dumps(
            {
                "detail-type": "candidate.updated",
                "detail": {"candidate_id": people["ada"]["candidate_id"]},
            }
        ),
    }
    bad = {"MessageId": "bad", "ReceiptHandle": "r2", "Body": "{not json"}
    result = handler.lambda_handler(sqs_event([good, bad], "arn:q"), LocalContext("search_indexer"))
    assert result["batchItemFailures"] == [{"itemIdentifier": "bad"}]


def test_a_merged_person_leaves_the_index(ats, api, demo, people, index):
    recruiter = ats.as_role("recruiter")
    ada = people["ada"]
    twin = _apply(api, demo.open_job_ids[2], "ada@home.example", "Python at home")
    index()
    recruiter.post_json(
        f"/ats/candidates/{ada['candidate_id']}/merge", {"duplicate_id": twin["candidate_id"]}
    )
    index()
    assert _ids(recruiter.get("/ats/search", q="home")) == {ada["candidate_id"]}


def test_search_is_for_staff_and_needs_keywords(ats, people):
    assert ats.as_role("hiring_manager").get("/ats/search", q="python").status == 403
    assert ats.as_role("interviewer").get("/ats/search", q="python").status == 403
    recruiter = ats.as_role("recruiter")
    assert ("q", "keywords") in recruiter.get("/ats/search", q="the and of").field_rules()
    assert ("education", "enum") in recruiter.get(
        "/ats/search", q="python", education="wizard"
    ).field_rules()
    assert recruiter.get("/ats/search").status == 422


def test_a_search_result_can_be_enrolled_in_a_sequence(ats, people):
    recruiter = ats.as_role("recruiter")
    created = recruiter.post_json(
        "/ats/sequences",
        {"name": "Python people", "steps": [{"subject": "Hi", "body": "A role."}]},
    )
    assert created.status == 201, created.body
    url = f"/ats/sequences/{created.json()['sequence_id']}/enrolments"
    # When a recruiter enrols everyone a search finds
    reply = recruiter.post_json(url, {"search": {"q": "python", "location": "boston"}})
    # Then exactly the people it finds are enrolled
    assert reply.status == 200, reply.body
    assert reply.json()["enrolled"] == 1
    view = recruiter.get(f"/ats/sequences/{created.json()['sequence_id']}").json()
    assert [e["candidate_id"] for e in view["enrolments"]] == [people["grace"]["candidate_id"]]
    # And a wider search enrols the rest, leaving Grace as she is
    wider = recruiter.post_json(url, {"search": {"q": "python"}}).json()
    assert (wider["enrolled"], wider["already_enrolled"]) == (1, [people["grace"]["candidate_id"]])
    # And a search without keywords, or with two sources, is refused by field
    refused = recruiter.post_json(url, {"search": {"q": "the and"}})
    assert refused.status == 422
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [("search.q", "keywords")]
    both = recruiter.post_json(url, {"search": {"q": "python"}, "pool_id": "p1"})
    assert both.status == 422
    # And a hiring manager may not enrol anyone
    manager = ats.as_role("hiring_manager").post_json(url, {"search": {"q": "python"}})
    assert manager.status == 403
