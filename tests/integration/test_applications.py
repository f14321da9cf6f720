"""POST /jobs/{job_id}/applications: what an applicant and a recruiter observe."""

from __future__ import annotations

import base64

import boto3
import pytest

from recruiting import wiring
from support import PNG, TINY_PDF, application, sample_resume_pdf


def _apply(api, demo, payload=None, headers=None, job=0):
    return api.post_json(
        f"/jobs/{demo.open_job_ids[job]}/applications", payload or application(), headers
    )


def test_a_json_application_is_received_and_stored(api, demo, store, bus_events):
    # When a careers site posts a complete application
    reply = _apply(api, demo)
    # Then it gets a receipt
    assert reply.status == 201
    receipt = reply.json()
    assert receipt["job_id"] == demo.open_job_ids[0]
    assert receipt["status"] == "received"
    # And the candidate, application and first stage change are stored
    [candidate] = store.of_type("candidate")
    assert candidate["candidate_id"] == receipt["candidate_id"]
    assert candidate["email"] == "ada.lovelace@example.com"
    assert candidate["phone_e164"] == "+4930901820"
    assert candidate["kind"] == "applicant"
    [app] = store.of_type("application")
    assert app["application_id"] == receipt["application_id"]
    assert app["stage"] == "applied"
    assert app["answers"] == {"101": "Engines.", "102": False, "103": [1, 3], "104": 2}
    assert app["consent"]["processing"] is True
    assert app["consent"]["policy_version"] == "2026-01"
    [stage] = store.of_type("stage_change")
    assert (stage.get("from_stage"), stage["to_stage"], stage["actor"]) == (
        None,
        "applied",
        "candidate",
    )
    [identity] = store.of_type("identity")
    assert identity["pk"] == "EMAIL#ada.lovelace@example.com"
    # And the resume is in the bucket under the application
    objects = store.objects("applications/")
    key = f"applications/{receipt['candidate_id']}/{receipt['application_id']}/resume.pdf"
    assert objects == {key: TINY_PDF}
    # And application.received is on the bus, with ids and no personal data
    [event] = bus_events()
    assert event["detail-type"] == "application.received"
    assert event["detail"]["application_id"] == receipt["application_id"]
    assert "lovelace" not in str(event).lower()  # ids are hex: "ada" can occur


def test_a_multipart_application_with_a_pdf_file_part(api, demo, store):
    pdf = sample_resume_pdf()
    reply = api.post_multipart(
        f"/jobs/{demo.open_job_ids[0]}/applications",
        [
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("email", "grace@example.org"),
            ("links[]", "https://grace.example.org"),
            ("answers[101]", "Compilers."),
            ("answers[102]", "yes"),
            ("answers[103][]", "1"),
            ("answers[103][]", "2"),
            ("consent[processing]", "true"),
            ("consent[retention]", "true"),
            ("resume", ("Grace Hopper CV.pdf", pdf, "application/pdf")),
            ("cover_letter_text", "Dear team, ..."),
        ],
    )
    assert reply.status == 201, reply.body
    receipt = reply.json()
    [app] = store.of_type("application")
    assert app["answers"]["103"] == [1, 2]
    assert app["documents"]["resume"]["filename"] == "Grace Hopper CV.pdf"
    assert app["documents"]["cover_letter"]["kind"] == "txt"
    prefix = f"applications/{receipt['candidate_id']}/{receipt['application_id']}/"
    objects = store.objects(prefix)
    assert objects[prefix + "resume.pdf"] == pdf
    assert objects[prefix + "cover_letter.txt"] == b"Dear team, ..."


def test_resume_as_plain_text(api, demo, store):
    reply = _apply(api, demo, application(resume={"text": "Ten years of analytical engines."}))
    assert reply.status == 201
    [(key, data)] = store.objects("applications/").items()
    assert key.endswith("/resume.txt")
    assert data == b"Ten years of analytical engines."


def test_a_docx_resume_is_recognised_by_content_whatever_its_name(api, demo, store):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    payload = application(
        resume={
            "filename": "cv.pdf",
            "content_base64": base64.b64encode(buffer.getvalue()).decode(),
        }
    )
    assert _apply(api, demo, payload).status == 201
    [key] = store.objects("applications/")
    assert key.endswith("/resume.docx")


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"first_name": ""}, "first_name", "required"),
        ({"first_name": None}, "first_name", "string_type"),
        ({"email": "ada@"}, "email", "email_syntax"),
        ({"email": "ada at example.com"}, "email", "email_syntax"),
        ({"phone": "call me maybe"}, "phone", "phone_format"),
        ({"last_name": "http://spam.example"}, "last_name", "no_urls"),
        ({"links": ["notaurl"]}, "links.0", "url_parsing"),
        ({"answers": {"102": "no", "103": [1]}}, "answers.101", "required"),
        ({"answers": {"101": "x", "102": "maybe"}}, "answers.102", "yes_no"),
        ({"answers": {"101": "x", "102": "no", "103": [9]}}, "answers.103", "option"),
        ({"answers": {"101": "x", "102": "no", "104": 7}}, "answers.104", "option"),
        ({"answers": {"101": "x", "102": "no", "999": "?"}}, "answers.999", "unknown_question"),
        ({"consent": {"processing": True}}, "consent.retention", "consent_required"),
        ({"favourite_colour": "blue"}, "favourite_colour", "unknown_field"),
        (
            {"resume": {"filename": "cv.pdf", "content_base64": base64.b64encode(PNG).decode()}},
            "resume",
            "file_type",
        ),
        ({"resume": {"filename": "cv.pdf", "content_base64": ""}}, "resume", "file_empty"),
        ({"resume": {"filename": "cv.pdf", "content_base64": "%%%"}}, "resume", "base64"),
        ({"resume": {"content_base64": "JVBERi0="}}, "resume", "filename_required"),
        ({"resume": {"text": "a", "upload_id": "0" * 32}}, "resume", "one_source"),
        ({"self_identification": {"1": {"option_ids": [99]}}}, "self_identification.1", "option"),
        (
            {"self_identification": {"7": {"option_ids": [1]}}},
            "self_identification.7",
            "unknown_question",
        ),
    ],
)
def test_bad_input_is_refused_naming_field_and_rule_and_stores_nothing(
    api, demo, store, change, field, rule
):
    reply = _apply(api, demo, application(**change))
    assert reply.status == 422, reply.body
    assert (field, rule) in reply.field_rules(), reply.json()
    assert store.items("candidates") == []
    assert store.objects() == {}


def test_several_broken_rules_are_reported_together(api, demo):
    # The form's rules and the job's, in one answer
    reply = _apply(api, demo, application(email="nope", answers={}, consent={}))
    assert {f for f, _ in reply.field_rules()} == {
        "email",
        "answers.101",
        "answers.102",
        "consent.processing",
        "consent.retention",
    }
    # And with a form that passes its shape, the job's alone, as before
    reply = _apply(api, demo, application(answers={}, consent={}))
    assert _errors(reply) == [
        ("answers.101", "required"),
        ("answers.102", "required"),
        ("consent.processing", "consent_required"),
        ("consent.retention", "consent_required"),
    ]


def _errors(reply):
    """The 422's (field, rule) pairs, in order; no field named twice."""
    assert reply.status == 422, reply.body
    assert reply.json()["error"] == "validation_failed"
    pairs = [(e["field"], e["rule"]) for e in reply.json()["errors"]]
    assert len({f for f, _ in pairs}) == len(pairs), pairs
    return pairs


def _nothing_stored(store, bus_events):
    for table in ("candidates", "self_identification"):
        assert store.items(table) == []
    assert store.objects() == {}
    assert bus_events() == []


def test_one_422_names_the_form_errors_then_the_job_errors(api, demo, store, bus_events):
    # When a careers site sends a form with a shape error and the job's questions
    # and consents left out (the demo backend job requires both)
    reply = _apply(api, demo, {"first_name": "Ada", "email": "ada@"})
    # Then one 422 names every broken rule: the form's first, then the job's
    assert _errors(reply) == [
        ("last_name", "missing"),
        ("email", "email_syntax"),
        ("answers.101", "required"),
        ("answers.102", "required"),
        ("consent.processing", "consent_required"),
        ("consent.retention", "consent_required"),
    ]
    # And nothing is stored or announced
    _nothing_stored(store, bus_events)


def test_the_job_rules_of_every_part_that_parsed_are_named(api, demo, store, bus_events):
    payload = application(
        first_name="",
        phone="call me maybe",
        answers={"102": "maybe", "103": [9], "999": "?"},
        consent={"processing": True},
        self_identification={"1": {"option_ids": [99]}, "2": {"option_ids": [21]}},
    )
    assert _errors(_apply(api, demo, payload)) == [
        ("first_name", "required"),
        ("phone", "phone_format"),
        ("answers.999", "unknown_question"),
        ("answers.101", "required"),
        ("answers.102", "yes_no"),
        ("answers.103", "option"),
        ("consent.retention", "consent_required"),
        ("self_identification.1", "option"),
    ]
    _nothing_stored(store, bus_events)


def test_a_multipart_form_is_answered_the_same_way(api, demo, store):
    reply = api.post_multipart(
        f"/jobs/{demo.open_job_ids[0]}/applications",
        [
            ("first_name", "Grace"),
            ("last_name", ""),
            ("email", "grace@example.org"),
            ("answers[101]", "Compilers."),
            ("answers[102]", "perhaps"),
            ("consent[processing]", "true"),
            ("consent[retention]", "false"),
        ],
    )
    assert _errors(reply) == [
        ("last_name", "required"),
        ("answers.102", "yes_no"),
        ("consent.retention", "consent_required"),
    ]
    assert store.items("candidates") == []


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        # The part is the wrong type: its shape error alone, none of the job's rules
        ({"answers": "Engines."}, [("answers", "dict_type")]),
        ({"answers": ["Engines.", "no"]}, [("answers", "dict_type")]),
        ({"consent": "yes"}, [("consent", "model_type")]),
        ({"consent": {"processing": "maybe"}}, [("consent.processing", "bool_parsing")]),
        ({"self_identification": [1]}, [("self_identification", "dict_type")]),
        ({"phone": "1" * 41}, [("phone", "string_too_long")]),
        # One answer of the wrong shape: the answers are not checked against the job
        (
            {"answers": {"101": {"text": "Engines."}}},
            [
                ("answers.101.constrained-str", "string_type"),
                ("answers.101.int", "int_type"),
                ("answers.101.bool", "bool_type"),
                ("answers.101.list[int]", "list_type"),
                ("answers.101.list[constrained-str]", "list_type"),
            ],
        ),
    ],
)
def test_a_part_refused_by_its_shape_is_not_checked_against_the_job(
    api, demo, store, change, refused
):
    # Given a form with a broken last name and one of the job's parts of the wrong shape
    reply = _apply(api, demo, application(last_name=" ", **change))
    # Then the shape errors are named once each, and no job rule for that part
    assert _errors(reply) == [("last_name", "required"), *refused]
    assert store.items("candidates") == []


def test_a_form_that_fails_its_shape_reads_the_job_once_and_one_that_passes_too(
    api, demo, monkeypatch
):
    from recruiting.storage.jobs import JobRepository

    reads: list[int] = []
    get_job = JobRepository.get_job

    def counted(self, job_id):
        reads.append(job_id)
        return get_job(self, job_id)

    monkeypatch.setattr(JobRepository, "get_job", counted)
    assert _apply(api, demo).status == 201
    assert reads == [demo.open_job_ids[0]]  # no extra read on success
    reads.clear()
    assert _apply(api, demo, application(email="nope")).status == 422
    assert reads == [demo.open_job_ids[0]]


def test_a_refused_form_to_a_closed_or_unknown_job_names_its_shape_errors_alone(api, demo, store):
    # The 422 of the shape errors, as before: the 404 or 410 follows once the form is right
    broken = {"first_name": "Ada", "email": "ada@"}
    for target in (f"/jobs/{demo.closed_job_id}/applications", "/jobs/424242/applications"):
        reply = api.post_json(target, broken)
        assert _errors(reply) == [("last_name", "missing"), ("email", "email_syntax")]
    assert store.items("candidates") == []


def test_a_file_over_the_inline_cap_is_refused(api, demo, store, monkeypatch):
    monkeypatch.setenv("INLINE_FILE_MAX_BYTES", "100")
    big = TINY_PDF + b"%" * 200
    reply = _apply(
        api,
        demo,
        application(
            resume={"filename": "cv.pdf", "content_base64": base64.b64encode(big).decode()}
        ),
    )
    assert reply.status == 422
    assert ("resume", "file_too_large") in reply.field_rules()
    assert store.objects() == {}


def test_malformed_and_unsupported_bodies(api, demo):
    target = f"/jobs/{demo.open_job_ids[0]}/applications"
    reply = api.request("POST", target, b"{not json", {"Content-Type": "application/json"})
    assert reply.status == 400
    assert reply.json()["error"] == "malformed_request"
    reply = api.request("POST", target, b"[1,2]", {"Content-Type": "application/json"})
    assert reply.status == 400
    reply = api.request("POST", target, b"<xml/>", {"Content-Type": "application/xml"})
    assert reply.status == 415
    reply = api.request(
        "POST", target, b"--x\r\nbroken", {"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert reply.status == 400


def test_closed_and_unknown_jobs(api, demo, store):
    closed = api.post_json(f"/jobs/{demo.closed_job_id}/applications", application())
    assert closed.status == 410
    assert closed.json()["error"] == "job_closed"
    assert api.post_json("/jobs/424242/applications", application()).status == 404
    assert store.items("candidates") == []


def test_a_retry_with_the_same_idempotency_key_returns_the_original(api, demo, store):
    headers = {"Idempotency-Key": "retry-1"}
    first = _apply(api, demo, headers=headers)
    second = _apply(api, demo, headers=headers)
    assert first.status == second.status == 201
    assert second.json() == first.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert len(store.of_type("application")) == 1
    assert len(store.objects("applications/")) == 1


def test_an_idempotency_key_reused_for_another_body_is_refused(api, demo, store):
    headers = {"Idempotency-Key": "retry-2"}
    assert _apply(api, demo, headers=headers).status == 201
    reply = _apply(api, demo, application(first_name="Augusta"), headers)
    assert reply.status == 422
    assert ("Idempotency-Key", "reused_with_different_body") in reply.field_rules()
    assert len(store.of_type("application")) == 1


def test_the_same_person_applying_again_gets_the_original_receipt(api, demo, store, bus_events):
    first = _apply(api, demo)
    again = _apply(api, demo, application(email="  ADA.lovelace@example.com "))
    assert again.status == 201
    assert again.json() == first.json()
    assert len(store.of_type("application")) == 1
    assert len(bus_events()) == 1


def test_one_person_two_jobs_is_one_candidate_with_two_applications(api, demo, store):
    first = _apply(api, demo)
    second = api.post_json(
        f"/jobs/{demo.open_job_ids[2]}/applications",
        application(answers={}, consent={}, phone=None),
    )
    assert second.status == 201, second.body
    assert second.json()["candidate_id"] == first.json()["candidate_id"]
    assert second.json()["application_id"] != first.json()["application_id"]
    [candidate] = store.of_type("candidate")
    assert candidate["application_count"] == 2
    assert candidate["phone_e164"] == "+4930901820"  # kept, not erased by the second form
    assert len(store.of_type("application")) == 2


def test_a_prospect_who_applies_becomes_an_applicant_and_keeps_history(
    api, demo, store, bus_events
):
    # Given a prospect the CRM already knows (sourced last year)
    table = boto3.resource("dynamodb").Table(store.env[wiring.CANDIDATES.env])
    table.put_item(
        Item={
            "pk": "CAND#prospect1",
            "sk": "PROFILE",
            "type": "candidate",
            "candidate_id": "prospect1",
            "kind": "prospect",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada.lovelace@example.com",
            "location": "London",
            "links": [],
            "application_count": 0,
            "created_at": "2025-01-01T00:00:00.000000Z",
            "updated_at": "2025-01-01T00:00:00.000000Z",
        }
    )
    table.put_item(
        Item={
            "pk": "EMAIL#ada.lovelace@example.com",
            "sk": "IDENTITY",
            "type": "identity",
            "candidate_id": "prospect1",
        }
    )
    table.put_item(
        Item={"pk": "CAND#prospect1", "sk": "NOTE#2025", "type": "note", "text": "met at PyCon"}
    )
    # When they apply
    reply = _apply(api, demo)
    # Then they are the same person, now an applicant, with their history intact
    assert reply.json()["candidate_id"] == "prospect1"
    [candidate] = store.of_type("candidate")
    assert candidate["kind"] == "applicant"
    assert candidate["created_at"] == "2025-01-01T00:00:00.000000Z"
    assert candidate["location"] == "London"  # what the CRM had is not overwritten
    assert candidate["phone_e164"] == "+4930901820"  # a gap is filled
    assert len(store.of_type("note")) == 1
    [event] = bus_events()
    assert event["detail"]["was_prospect"] is True


def test_self_identification_is_stored_apart_from_the_application(api, demo, store):
    payload = application(
        self_identification={
            "1": {"option_ids": [14], "text": "agender"},
            "2": {"option_ids": [21, 22]},
        }
    )
    reply = _apply(api, demo, payload)
    assert reply.status == 201, reply.body
    [app] = store.of_type("application")
    assert "self_identification" not in app
    assert "agender" not in str(app)
    [answers] = store.items("self_identification")
    assert answers["pk"] == f"JOB#{demo.open_job_ids[0]}"
    assert answers["answers"]["1"] == {"option_ids": [14], "text": "agender"}
