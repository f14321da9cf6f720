"""Concurrent writers and direct uploads: nothing lost, nothing twice."""

from __future__ import annotations

import base64
import json

import boto3

from recruiting import wiring
from recruiting.config import Settings
from recruiting.intake.service import IntakeService
from recruiting.models.applications import ApplicationForm
from recruiting.storage.candidates import CandidateRepository
from recruiting.storage.events import EventPublisher
from recruiting.storage.files import ResumeStore
from recruiting.storage.jobs import JobRepository
from support import TINY_PDF, application


class StaleReads(CandidateRepository):
    """Sees the world as it was before another request wrote (a lost race)."""

    def __init__(self, stale_calls: int) -> None:
        super().__init__()
        self.stale_calls = stale_calls

    def find_by_email(self, email):
        if self.stale_calls:
            self.stale_calls -= 1
            return None
        return super().find_by_email(email)


def _service(candidates: CandidateRepository) -> IntakeService:
    settings = Settings.from_env()
    return IntakeService(
        settings,
        JobRepository(),
        candidates,
        ResumeStore(settings.resume_bucket),
        EventPublisher(settings.event_bus),
    )


def test_losing_the_race_to_create_a_person_returns_the_winners_receipt(aws, demo, store):
    # Given the same person's application already recorded by another request
    form = ApplicationForm.model_validate(
        {
            **application(),
            "resume": {"filename": "cv.pdf", "content_base64": base64.b64encode(TINY_PDF).decode()},
        }
    )
    winner = _service(CandidateRepository()).apply(demo.open_job_ids[0], form)
    # When a second request that read before that write tries to create the person too
    loser = _service(StaleReads(stale_calls=1)).apply(demo.open_job_ids[0], form)
    # Then it answers the winner's receipt, and nothing is stored twice
    assert loser.receipt == winner.receipt
    assert loser.created is False
    assert len(store.of_type("candidate")) == 1
    assert len(store.of_type("application")) == 1
    assert len(store.objects("applications/")) == 1  # the loser's file copy was removed


def test_an_upload_request_is_bound_to_type_size_and_key(api, demo):
    reply = api.post_json(
        f"/jobs/{demo.open_job_ids[0]}/applications/uploads",
        {"filename": "cv.pdf", "content_type": "application/pdf", "size": 2_000_000},
    )
    assert reply.status == 201
    upload = reply.json()
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 10 * 1024 * 1024] in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert {"key": f"uploads/{demo.open_job_ids[0]}/{upload['upload_id']}/resume"} in conditions
    assert upload["fields"]["key"].startswith("uploads/")


def test_bad_upload_requests_name_the_field(api, demo):
    target = f"/jobs/{demo.open_job_ids[0]}/applications/uploads"
    reply = api.post_json(
        target, {"filename": "cv.exe", "content_type": "application/x-msdownload", "size": 10}
    )
    assert ("content_type", "file_type") in reply.field_rules()
    reply = api.post_json(
        target, {"filename": "cv.pdf", "content_type": "application/pdf", "size": 11 * 1024 * 1024}
    )
    assert ("size", "file_too_large") in reply.field_rules()
    reply = api.post_json(target, {"filename": "cv.pdf", "content_type": "application/pdf"})
    assert ("size", "missing") in reply.field_rules()
    assert (
        api.post_json(
            f"/jobs/{demo.closed_job_id}/applications/uploads",
            {"filename": "cv.pdf", "content_type": "application/pdf", "size": 10},
        ).status
        == 404
    )


def test_an_application_naming_a_missing_or_bad_upload_is_refused(api, demo, store):
    job = demo.open_job_ids[0]
    upload = api.post_json(
        f"/jobs/{job}/applications/uploads",
        {"filename": "cv.pdf", "content_type": "application/pdf", "size": 100},
    ).json()
    # Nothing was uploaded yet
    reply = api.post_json(
        f"/jobs/{job}/applications", application(resume={"upload_id": upload["upload_id"]})
    )
    assert ("resume", "upload_missing") in reply.field_rules()
    # Something that is not a document was uploaded (moto does not enforce the policy; we check)
    boto3.client("s3").put_object(
        Bucket=store.env[wiring.RESUMES.env],
        Key=upload["fields"]["key"],
        Body=b"\x89PNG\r\n\x1a\n....",
    )
    reply = api.post_json(
        f"/jobs/{job}/applications", application(resume={"upload_id": upload["upload_id"]})
    )
    assert ("resume", "file_type") in reply.field_rules()
    assert store.items("candidates") == []


def test_an_application_uses_a_completed_upload(api, demo, store):
    job = demo.open_job_ids[0]
    upload = api.post_json(
        f"/jobs/{job}/applications/uploads",
        {"filename": "cv.pdf", "content_type": "application/pdf", "size": len(TINY_PDF)},
    ).json()
    boto3.client("s3").put_object(
        Bucket=store.env[wiring.RESUMES.env], Key=upload["fields"]["key"], Body=TINY_PDF
    )
    reply = api.post_json(
        f"/jobs/{job}/applications",
        application(resume={"upload_id": upload["upload_id"], "filename": "cv.pdf"}),
    )
    assert reply.status == 201, reply.body
    receipt = reply.json()
    key = f"applications/{receipt['candidate_id']}/{receipt['application_id']}/resume.pdf"
    assert store.objects("applications/") == {key: TINY_PDF}
