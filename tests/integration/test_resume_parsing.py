"""Resumes parsed from S3 uploads: applications fill their gaps, recruiter imports
become prospects in a pool, each file once, every refusal recorded."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from recruiting import wiring
from recruiting_local.context import LocalContext
from recruiting_local.pump import sqs_event
from support import application, drain

FIXTURES = Path(__file__).parents[1] / "fixtures" / "resumes"


@pytest.fixture
def parser(aws):
    """Deliver the resume queue (S3 notifications, as moto sends them) to the parser."""
    from resume_parser import handler

    handler.use(None)
    url = aws[wiring.RESUME_UPLOADS_QUEUE.env]
    yield lambda: drain(url, handler.lambda_handler, "resume_parser")
    handler.use(None)


@pytest.fixture
def indexer(aws):
    from search_indexer import handler

    handler.use(None)
    url = aws[wiring.SEARCH_UPDATES_QUEUE.env]
    yield lambda: drain(url, handler.lambda_handler, "search_indexer")
    handler.use(None)


def _file(name: str) -> dict[str, str]:
    data = (FIXTURES / name).read_bytes()
    return {"filename": name, "content_base64": base64.b64encode(data).decode()}


def _apply(api, resume: dict, **overrides) -> dict:
    reply = api.post_json("/jobs/4000001/applications", application(resume=resume, **overrides))
    assert reply.status == 201, reply.body
    return reply.json()


def _put(aws, key: str, data: bytes) -> None:
    boto3.client("s3").put_object(Bucket=aws[wiring.RESUMES.env], Key=key, Body=data)


def _pool(ats) -> str:
    reply = ats.as_role("recruiter").post_json("/ats/pools", {"name": "Platform engineers"})
    assert reply.status == 201, reply.body
    return reply.json()["pool_id"]


def _progress(ats, pool_id: str) -> dict:
    reply = ats.as_role("recruiter").get(f"/ats/pools/{pool_id}/imports")
    assert reply.status == 200, reply.body
    return reply.json()


# --- resumes that come with applications -----------------------------------------


def test_an_applications_resume_fills_gaps_and_never_overwrites(api, ats, demo, parser, store):
    # Given an application typed without a phone, from Berlin, with a PDF resume
    receipt = _apply(api, _file("pdf-1col-multirole-links.pdf"), phone=None, location="Berlin")
    candidate_id = receipt["candidate_id"]
    # When the parser takes the upload notification
    assert parser() == []
    profile = ats.as_role("recruiter").get(f"/ats/candidates/{candidate_id}").json()
    person = profile["candidate"]
    # Then what the person typed stays, and the resume fills the gaps beside it
    assert (person["first_name"], person["last_name"]) == ("Ada", "Lovelace")
    assert person["location"] == "Berlin"
    assert person["phone_e164"] == "+14085550155"  # as printed: (408) 555-0155
    assert "https://linkedin.com/in/kevin-tran-sre" in person["links"]
    assert "https://github.com/ada" in person["links"]
    (parsed,) = profile["parsed_resumes"]
    assert parsed["source"] == "application"
    assert parsed["application_id"] == receipt["application_id"]
    assert set(parsed["filled"]) == {"phone", "links"}
    assert parsed["profile"]["name"] == "Kevin Tran"
    assert parsed["profile"]["location"] == "San Jose, CA"  # shown beside, not applied
    assert "Kubernetes" in parsed["profile"]["skills"]
    assert parsed["profile"]["experience"][0]["company"] == "Cobalt Cloud Systems"
    assert parsed["document_url"].startswith("https://")
    # And the full text is kept in S3, not on the item
    (key,) = [k for k in store.objects("parsed/") if candidate_id in k]
    assert "Prometheus" in json.loads(store.objects("parsed/")[key])["text"]


def test_a_redelivered_notification_parses_once(api, demo, parser, store, aws):
    # Given an application whose resume was parsed
    receipt = _apply(api, _file("txt-plain.txt"))
    assert parser() == []
    # When S3's notification for it arrives again (SQS delivers at least once)
    key = f"applications/{receipt['candidate_id']}/{receipt['application_id']}/resume.txt"
    head = boto3.client("s3").head_object(Bucket=aws[wiring.RESUMES.env], Key=key)
    notification = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": aws[wiring.RESUMES.env]},
                    "object": {"key": key, "size": 10, "eTag": head["ETag"].strip('"')},
                },
            }
        ]
    }
    sqs = boto3.client("sqs")
    for _ in range(2):
        sqs.send_message(
            QueueUrl=aws[wiring.RESUME_UPLOADS_QUEUE.env], MessageBody=json.dumps(notification)
        )
    assert parser() == []
    # Then there is still one parsed resume and the ledger counts one attempt
    assert len(store.of_type("parsed_resume")) == 1
    (state,) = [s for s in store.of_type("parse_state") if s["document_key"] == key]
    assert (state["status"], state["attempts"]) == ("parsed", 1)


def test_a_refused_resume_is_recorded_and_not_retried(api, demo, parser, store):
    # Given an application whose "resume" is the tiny page-less PDF the form accepts
    receipt = _apply(api, application()["resume"])
    # When it is parsed, nothing fails on the queue: the refusal is the outcome
    assert parser() == []
    (state,) = store.of_type("parse_state")
    assert state["status"] == "failed"
    assert state["rule"] == "file_corrupt"
    assert receipt["candidate_id"]
    assert not store.of_type("parsed_resume")


def test_a_platform_error_fails_only_that_message_and_is_retried(api, demo, parser, store, aws):
    # Given an application, and S3 failing once when the parser reads its resume
    from resume_parser import handler

    _apply(api, _file("txt-plain.txt"))
    pipeline = handler.pipeline()
    real_read = pipeline.files.read
    calls = []

    def flaky(key, max_bytes):
        calls.append(key)
        if len(calls) == 1:
            raise ConnectionError("S3 unavailable")
        return real_read(key, max_bytes)

    pipeline.files.read = flaky
    # (a failed message comes back at once instead of after the visibility timeout)
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=aws[wiring.RESUME_UPLOADS_QUEUE.env], Attributes={"VisibilityTimeout": "0"}
    )
    # When the parser runs, the message fails alone and stays on the queue
    assert len(parser()) == 1
    assert not store.of_type("parsed_resume")
    # And the retry parses it; the platform's failure did not count as a crash
    assert parser() == []
    assert len(store.of_type("parsed_resume")) == 1
    (state,) = store.of_type("parse_state")
    assert (state["status"], state["attempts"]) == ("parsed", 1)


def test_a_file_that_keeps_killing_the_parser_is_given_up_with_a_reason(aws, demo, store):
    # Given an uploaded resume whose parse dies every time (a crash or a timeout)
    from resume_parser import handler

    handler.use(None)
    pool = boto3.client("s3")
    key = "applications/c1/a1/resume.pdf"
    pool.put_object(Bucket=aws[wiring.RESUMES.env], Key=key, Body=b"%PDF-1.4 ...")
    pipeline = handler.pipeline()

    def dies(*args, **kwargs):
        raise MemoryError("the sandbox killed pdfium")

    pipeline.parse = dies
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "Body": json.dumps(
            {
                "Records": [
                    {
                        "eventName": "ObjectCreated:Put",
                        "s3": {"object": {"key": key, "size": 12, "eTag": "abc"}},
                    }
                ]
            }
        ),
    }
    event = sqs_event([message], "arn:aws:sqs:us-east-1:1:q")
    # When SQS delivers it again and again
    results: list[object] = []
    for _ in range(5):
        try:
            result = handler.lambda_handler(event, LocalContext("resume_parser"))
            results.append(len(result["batchItemFailures"]))
        except BatchProcessingError:
            results.append("batch failed")  # Lambda reports an error: SQS retries it
    handler.use(None)
    # Then three attempts fail (and are retried), the fourth records the reason and stops
    assert results == ["batch failed"] * 3 + [0, 0]
    (state,) = store.of_type("parse_state")
    assert state["status"] == "failed"
    assert state["rule"] == "parser_stopped"
    assert state["attempts"] == 3


# --- recruiter imports ----------------------------------------------------------------


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b"A" * (200 << 20))
    return buffer.getvalue()


def test_an_import_creates_prospects_deduplicates_and_reports_each_file(
    api, ats, demo, parser, indexer, aws
):
    # Given a pool, and a known applicant (by e-mail) who is also in the import
    pool_id = _pool(ats)
    known = _apply(api, _file("txt-plain.txt"), email="emily.chen@example.com", first_name="Emily")[
        "candidate_id"
    ]
    assert parser() == []
    # When a recruiter drops four files into the pool's import folder
    texts = {
        "kevin-tran.pdf": (FIXTURES / "pdf-1col-multirole-links.pdf").read_bytes(),
        "emily-chen.txt": (FIXTURES / "txt-plain.txt").read_bytes(),
        "no-contact.txt": b"Jordan Example\n\nExperience\nBaker, Rye & Co\n2019 - 2021\n",
        "bomb.docx": _zip_bomb(),
    }
    for name, data in texts.items():
        _put(aws, f"imports/{pool_id}/{name}", data)
    assert parser() == []
    # Then the progress shows every file's outcome, with counts
    progress = _progress(ats, pool_id)
    assert progress["counts"] == {
        "received": 4, "parsed": 2, "needs_review": 1, "failed": 1, "in_progress": 0
    }  # fmt: skip
    files = {f["file"]: f for f in progress["files"]}
    assert files["kevin-tran.pdf"]["status"] == "parsed"
    assert files["kevin-tran.pdf"]["created"] is True
    assert files["emily-chen.txt"]["candidate_id"] == known
    assert files["emily-chen.txt"]["matched_on"] == "email"
    assert files["emily-chen.txt"]["created"] is False
    assert files["no-contact.txt"]["status"] == "needs_review"
    assert files["bomb.docx"]["status"] == "failed"
    assert files["bomb.docx"]["rule"] == "zip_bomb"
    # And the pool holds the three people, the new ones as prospects
    members = ats.as_role("recruiter").get(f"/ats/pools/{pool_id}").json()
    assert {m["candidate_id"] for m in members["members"]} == {
        files[n]["candidate_id"] for n in ("kevin-tran.pdf", "emily-chen.txt", "no-contact.txt")
    }
    kevin = (
        ats.as_role("recruiter")
        .get(f"/ats/candidates/{files['kevin-tran.pdf']['candidate_id']}")
        .json()
    )
    assert kevin["candidate"]["kind"] == "prospect"
    assert (kevin["candidate"]["first_name"], kevin["candidate"]["last_name"]) == ("Kevin", "Tran")
    assert kevin["candidate"]["email"] == "kevin.tran@example.com"
    flagged = (
        ats.as_role("recruiter")
        .get(f"/ats/candidates/{files['no-contact.txt']['candidate_id']}")
        .json()
    )
    assert flagged["candidate"]["flags"] == ["needs_review"]
    assert flagged["candidate"]["email"] is None
    # And a skill found only in a resume finds the prospect in search
    assert indexer() == []
    found = ats.as_role("recruiter").get("/ats/search?q=prometheus").json()
    assert [c["candidate_id"] for c in found["results"]] == [
        files["kevin-tran.pdf"]["candidate_id"]
    ]


def test_imports_match_known_people_by_phone_and_by_linkedin(api, ats, demo, parser, aws):
    # Given two applicants: one who typed a phone, one who gave a LinkedIn profile
    by_phone = _apply(
        api, _file("txt-plain.txt"), email="one@example.com", phone="+1 312 555 0100"
    )["candidate_id"]
    by_linkedin = _apply(
        api,
        _file("txt-plain.txt"),
        email="two@example.com",
        links=["https://www.linkedin.com/in/kevin-tran-sre/"],
    )["candidate_id"]
    assert parser() == []
    pool_id = _pool(ats)
    # When resumes with other e-mails but the same phone, and the same LinkedIn, are imported
    _put(aws, f"imports/{pool_id}/a.txt", b"Sam Other\nsam@example.org | (312) 555-0100\n")
    _put(aws, f"imports/{pool_id}/b.pdf", (FIXTURES / "pdf-1col-multirole-links.pdf").read_bytes())
    assert parser() == []
    # Then each file lands on the person already known
    files = {f["file"]: f for f in _progress(ats, pool_id)["files"]}
    assert (files["a.txt"]["candidate_id"], files["a.txt"]["matched_on"]) == (by_phone, "phone")
    assert (files["b.pdf"]["candidate_id"], files["b.pdf"]["matched_on"]) == (
        by_linkedin,
        "linkedin",
    )


def test_a_presigned_upload_lands_in_the_pools_import(ats, aws, parser):
    # Given a pool
    pool_id = _pool(ats)
    # When a recruiter asks for an upload of a DOCX resume
    reply = ats.as_role("recruiter").post_json(
        f"/ats/pools/{pool_id}/imports",
        {"filename": "../Priya R. résumé.docx", "content_type": DOCX},
    )
    # Then the upload is bound to the pool's import folder, a safe name and the type
    assert reply.status == 201, reply.body
    upload = reply.json()
    assert upload["key"] == f"imports/{pool_id}/Priya R. résumé.docx"
    assert upload["upload"]["fields"]["Content-Type"] == DOCX
    # And a type that is not a resume is refused by name
    refused = ats.as_role("recruiter").post_json(
        f"/ats/pools/{pool_id}/imports",
        {"filename": "x.exe", "content_type": "application/x-msdownload"},
    )
    assert refused.status == 422
    assert refused.json()["errors"][0]["field"] == "content_type"


def test_an_import_into_a_pool_that_does_not_exist_is_a_recorded_failure(ats, aws, parser, store):
    _put(aws, "imports/0123456789abcdef0123456789abcdef/x.txt", b"Ann Example\nann@example.com\n")
    assert parser() == []
    (state,) = store.of_type("parse_state")
    assert (state["status"], state["rule"]) == ("failed", "unknown_pool")
    assert not store.of_type("candidate")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
