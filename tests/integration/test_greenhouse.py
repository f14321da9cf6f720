"""The Greenhouse Job Board API routes answer as Greenhouse does."""

from __future__ import annotations

import base64

from conftest import API_KEY
from support import TINY_PDF, basic_auth, sample_resume_pdf


def test_board_and_job_listing_in_greenhouse_shape(api, demo):
    assert api.get("/v1/boards/demo").json() == {
        "name": "Demo Robotics",
        "content": "<p>We build friendly robots.</p>",
    }
    listing = api.get("/v1/boards/demo/jobs").json()
    assert listing["meta"] == {"total": 3}
    job = next(j for j in listing["jobs"] if j["title"] == "Senior Backend Engineer")
    assert set(job) >= {
        "id",
        "internal_job_id",
        "title",
        "updated_at",
        "requisition_id",
        "location",
        "absolute_url",
        "metadata",
        "data_compliance",
    }
    assert job["location"] == {"name": "Berlin, Germany"}
    assert job["requisition_id"] == "ENG-101"
    assert "content" not in job
    assert job["data_compliance"][0]["requires_processing_consent"] is True


def test_listing_with_content_adds_description_departments_and_offices(api, demo):
    listing = api.get("/v1/boards/demo/jobs", content="true").json()
    job = next(j for j in listing["jobs"] if j["title"] == "Product Designer")
    assert job["content"] == "&lt;p&gt;Make robots easy to love.&lt;/p&gt;"
    assert [d["name"] for d in job["departments"]] == ["Design"]
    assert [o["name"] for o in job["offices"]] == ["Remote (US)"]


def test_job_with_questions(api, demo):
    job = api.get(f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}", questions="true").json()
    names = [field["name"] for q in job["questions"] for field in q["fields"]]
    assert names[:4] == ["first_name", "last_name", "email", "phone"]
    assert "question_101" in names
    assert "question_103[]" in names
    visa = next(q for q in job["questions"] if q["fields"][0]["name"] == "question_102")
    assert visa["required"] is True
    assert visa["fields"][0]["type"] == "multi_value_single_select"
    assert visa["fields"][0]["values"] == [
        {"label": "No", "value": 0},
        {"label": "Yes", "value": 1},
    ]
    gender = job["demographic_questions"]["questions"][0]
    assert gender["answer_options"][3] == {
        "id": 14,
        "label": "I describe myself as",
        "free_form": True,
    }
    assert job["data_compliance"][0]["retention_period"] == 365


def test_unknown_board_job_and_jobs_not_on_the_board(api, demo):
    assert api.get("/v1/boards/nope/jobs").status == 404
    assert api.get("/v1/boards/demo/jobs/1").status == 404
    # The support job is only on the internal board
    assert api.get(f"/v1/boards/demo/jobs/{demo.open_job_ids[3]}").status == 404
    assert api.get(f"/v1/boards/internal/jobs/{demo.open_job_ids[3]}").status == 200


def _greenhouse_json(**overrides):
    payload = {
        "first_name": "Sammy",
        "last_name": "McSamson",
        "email": "sammy@example.com",
        "phone": "3337778888",
        "location": "110 5th Ave New York, NY, 10011",
        "latitude": "40.7376671",
        "longitude": "-73.9929196",
        "resume_text": "I have many years of experience as an expert basket weaver...",
        "cover_letter_text": "I have a very particular set of skills...",
        "question_101": "Here is some short text for the first question",
        "question_102": 1,
        "question_103": [1, 4],
        "question_104": 3,
        "educations": [
            {
                "school_name_id": "1403524",
                "degree_id": "1403534",
                "discipline_id": "1403605",
                "start_date": {"month": "1", "year": "1989"},
                "end_date": {"month": "2", "year": "1990"},
            }
        ],
        "employments": [
            {
                "company_name": "Business Co.",
                "title": "Sales Manager",
                "start_date": {"month": "1", "year": "2016"},
                "end_date": {"month": "2", "year": "2018"},
                "current": "false",
            }
        ],
        "mapped_url_token": "token12345",
        "demographic_answers": [
            {
                "question_id": 1,
                "answer_options": [{"answer_option_id": 14, "text": "Free-form Answer"}],
            },
            {"question_id": 2, "answer_options": [{"answer_option_id": 21}]},
        ],
        "data_compliance": {
            "gdpr_consent_given": True,
            "gdpr_processing_consent_given": True,
            "gdpr_retention_consent_given": True,
            "gdpr_demographic_data_consent_given": True,
        },
        "applicant_ip": "203.0.113.47",
    }
    payload.update(overrides)
    return payload


def test_greenhouse_json_application_is_saved(api, demo, store):
    reply = api.post_json(
        f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}", _greenhouse_json(), basic_auth(API_KEY)
    )
    assert reply.status == 200, reply.body
    assert reply.json() == {"success": "Candidate saved successfully"}
    [app] = store.of_type("application")
    assert app["channel"] == "greenhouse"
    assert app["board"] == "demo"
    assert app["source"] == "token12345"
    assert app["answers"] == {
        "101": "Here is some short text for the first question",
        "102": True,
        "103": [1, 4],
        "104": 3,
    }
    assert app["employments"][0]["company_name"] == "Business Co."
    assert app["educations"][0]["school"] == "1403524"
    assert "203.0.113.47" not in str(app)
    [self_id] = store.items("self_identification")
    assert self_id["answers"]["1"] == {"option_ids": [14], "text": "Free-form Answer"}
    objects = store.objects("applications/")
    assert sorted(k.rsplit("/", 1)[1] for k in objects) == ["cover_letter.txt", "resume.txt"]


def test_greenhouse_multipart_with_rack_brackets(api, demo, store):
    pdf = sample_resume_pdf()
    reply = api.post_multipart(
        f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}",
        [
            ("first_name", "Sammy"),
            ("last_name", "McSamson"),
            ("email", "sammy@example.com"),
            ("resume", ("ADA084551.pdf", pdf, "application/pdf")),
            ("question_101", "Robots."),
            ("question_102", "0"),
            ("question_103[]", "2"),
            ("question_103[]", "3"),
            ("employments[][company_name]", "Business Co"),
            ("employments[][start_date][month]", "1"),
            ("employments[][start_date][year]", "2016"),
            ("employments[][current]", "true"),
            ("employments[][company_name]", "Older Co"),
            ("employments[][start_date][year]", "2010"),
            ("employments[][end_date][year]", "2015"),
            ("employments[][current]", "false"),
            ("demographic_answers[][question_id]", "2"),
            ("demographic_answers[][answer_options][][answer_option_id]", "21"),
            ("demographic_answers[][answer_options][][answer_option_id]", "22"),
            ("data_compliance[gdpr_processing_consent_given]", "true"),
            ("data_compliance[gdpr_retention_consent_given]", "1"),
        ],
        basic_auth(API_KEY),
    )
    assert reply.status == 200, reply.body
    [app] = store.of_type("application")
    assert app["answers"]["103"] == [2, 3]
    assert [e["company_name"] for e in app["employments"]] == ["Business Co", "Older Co"]
    assert app["employments"][0]["current"] is True
    [self_id] = store.items("self_identification")
    assert self_id["answers"]["2"]["option_ids"] == [21, 22]
    assert list(store.objects("applications/").values()) == [pdf]


def test_resume_content_base64(api, demo, store):
    payload = _greenhouse_json(
        resume_text=None,
        resume_content=base64.b64encode(TINY_PDF).decode(),
        resume_content_filename="cv.pdf",
    )
    del payload["resume_text"]
    assert (
        api.post_json(
            f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}", payload, basic_auth(API_KEY)
        ).status
        == 200
    )
    assert TINY_PDF in store.objects("applications/").values()


def test_wrong_or_missing_api_key_is_401_and_stores_nothing(api, demo, store):
    target = f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}"
    missing = api.post_json(target, _greenhouse_json())
    assert missing.status == 401
    assert missing.headers["www-authenticate"].startswith("Basic")
    assert api.post_json(target, _greenhouse_json(), basic_auth("wrong")).status == 401
    # The old Ruby client sent the key without the colon and with a newline
    legacy = {"Authorization": "Basic " + base64.b64encode(f"{API_KEY}\n".encode()).decode()}
    assert api.post_json(target, _greenhouse_json(), legacy).status == 200
    assert len(store.of_type("application")) == 1


def test_greenhouse_errors_name_greenhouse_fields(api, demo, store):
    target = f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}"
    reply = api.post_json(
        target,
        _greenhouse_json(email="not-an-email", question_104=99, resume_url="http://x/cv.pdf"),
        basic_auth(API_KEY),
    )
    assert reply.status == 400
    body = reply.json()
    assert body["error"] == "Failed to save person"
    assert ("resume_url", "not_supported") in reply.field_rules()
    reply = api.post_json(
        target, _greenhouse_json(email="not-an-email", question_104=99), basic_auth(API_KEY)
    )
    assert ("email", "email_syntax") in reply.field_rules()
    reply = api.post_json(target, _greenhouse_json(question_104=99), basic_auth(API_KEY))
    assert ("question_104", "option") in reply.field_rules()
    reply = api.post_json(target, _greenhouse_json(data_compliance={}), basic_auth(API_KEY))
    assert (
        "data_compliance[gdpr_processing_consent_given]",
        "consent_required",
    ) in reply.field_rules()
    assert store.items("candidates") == []


def _greenhouse_errors(reply):
    assert reply.status == 400, reply.body
    assert reply.json()["error"] == "Failed to save person"
    pairs = [(e["field"], e["rule"]) for e in reply.json()["errors"]]
    assert len({f for f, _ in pairs}) == len(pairs), pairs
    return pairs


def test_one_refusal_names_the_form_errors_then_the_job_errors_in_greenhouse_terms(
    api, demo, store
):
    payload = _greenhouse_json(
        email="not-an-email",
        phone="call me maybe",
        question_102="maybe",
        question_104=99,
        demographic_answers=[{"question_id": 1, "answer_options": [{"answer_option_id": 99}]}],
        data_compliance={"gdpr_processing_consent_given": True},
    )
    del payload["question_101"]
    reply = api.post_json(
        f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}", payload, basic_auth(API_KEY)
    )
    assert _greenhouse_errors(reply) == [
        ("email", "email_syntax"),
        ("phone", "phone_format"),
        ("question_101", "required"),
        ("question_102", "yes_no"),
        ("question_104", "option"),
        ("data_compliance[gdpr_retention_consent_given]", "consent_required"),
        ("demographic_answers[question_id=1]", "option"),
    ]
    assert store.items("candidates") == []
    assert store.items("self_identification") == []
    assert store.objects() == {}


def test_a_refused_form_to_a_job_not_live_here_names_its_shape_errors_alone(api, demo, store):
    # A closed job, and a job only on the internal board: the shape errors, as before
    for job_id in (demo.closed_job_id, demo.open_job_ids[3]):
        reply = api.post_json(
            f"/v1/boards/demo/jobs/{job_id}",
            _greenhouse_json(email="not-an-email", data_compliance={}),
            basic_auth(API_KEY),
        )
        assert _greenhouse_errors(reply) == [("email", "email_syntax")]
    assert store.items("candidates") == []


def test_answer_options_that_are_not_a_list_are_named_not_a_crash(api, demo, store):
    # Found while fuzzing: an integer here was iterated and answered 502.
    reply = api.post_json(
        f"/v1/boards/demo/jobs/{demo.open_job_ids[0]}",
        _greenhouse_json(demographic_answers=[{"question_id": 1, "answer_options": 5}]),
        basic_auth(API_KEY),
    )
    assert reply.status == 400
    assert ("demographic_answers[0][answer_options]", "list_type") in reply.field_rules()
    assert store.items("candidates") == []


def test_closed_job_is_not_live(api, demo):
    reply = api.post_json(
        f"/v1/boards/demo/jobs/{demo.closed_job_id}", _greenhouse_json(), basic_auth(API_KEY)
    )
    assert reply.status == 400
    assert reply.json() == {"error": "Failed to save person", "reason": "Job application not live"}
