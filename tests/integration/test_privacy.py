"""Privacy: an admin exports everything held about a person and erases them (every
item, every file version, outreach and schedule, a keyed hash left suppressed, an
audit without personal data); retention anonymises candidates whose job location's
policy has run out, unless they consented to longer or came back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from recruiting import wiring
from recruiting_local.context import LocalContext
from support import application, drain, sample_resume_pdf

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EMAIL = "ada.lovelace@example.com"
ALWAYS = {"start_hour": 0, "end_hour": 24, "weekdays": [0, 1, 2, 3, 4, 5, 6]}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def privacy(aws, api, ats, demo, tmp_path, monkeypatch):
    """One clock for the intake, the recruiter API and the privacy function."""
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    from privacy import handler

    from intake import dependencies as intake
    from recruiter import dependencies

    handler.use(None)
    clock = Clock(T0)
    eraser = handler.build()
    recruiter = dependencies.get()
    eraser.now = recruiter.privacy.now = recruiter.pipeline.now = clock
    recruiter.collaboration.now = recruiter.sequences.now = recruiter.pools.now = clock
    intake.get().service.now = clock

    class Privacy:
        def __init__(self) -> None:
            self.clock = clock
            self.admin = ats.as_role("admin", "admin-1")

        def work(self) -> list[str]:
            """Deliver the privacy queue to the privacy function."""
            return drain(aws[wiring.PRIVACY_REQUESTS_QUEUE.env], handler.lambda_handler, "privacy")

        def sweep(self) -> dict:
            return handler.lambda_handler({"source": "aws.scheduler"}, LocalContext("privacy"))

        def apply(self, email: str, first_name: str, **overrides) -> tuple[str, str]:
            self.clock.value += timedelta(seconds=1)
            payload = application(first_name=first_name, email=email, **overrides)
            reply = api.post_json(f"/jobs/{demo.open_job_ids[0]}/applications", payload)
            assert reply.status == 201, reply.body
            return reply.json()["candidate_id"], reply.json()["application_id"]

    yield Privacy()
    handler.use(None)


def _everything(aws) -> str:
    """Every item of every table and every object key (and version) as one text."""
    dynamodb = boto3.resource("dynamodb")
    texts = []
    for table in wiring.TABLES:
        texts += [
            json.dumps(i, default=str) for i in dynamodb.Table(aws[table.env]).scan()["Items"]
        ]
    s3 = boto3.client("s3")
    for bucket in wiring.BUCKETS:
        listing = s3.list_object_versions(Bucket=aws[bucket.env])
        texts += [v["Key"] for v in listing.get("Versions", []) + listing.get("DeleteMarkers", [])]
    return "\n".join(texts)


def _resume_versions(aws, prefix: str) -> list[str]:
    listing = boto3.client("s3").list_object_versions(Bucket=aws[wiring.RESUMES.env], Prefix=prefix)
    return [v["VersionId"] for v in listing.get("Versions", []) + listing.get("DeleteMarkers", [])]


def test_export_then_erase_leaves_only_a_suppressed_hash_and_an_audit(
    aws, api, ats, demo, privacy, store
):
    import base64

    resume = base64.b64encode(sample_resume_pdf()).decode()
    cid, app = privacy.apply(
        EMAIL, "Ada", resume={"filename": "ada-cv.pdf", "content_base64": resume}
    )
    # The resume is parsed (parsed/ objects and the parse ledger) and replaced once,
    # so the bucket holds two versions of it.
    from resume_parser import handler as parser

    assert drain(aws[wiring.RESUME_UPLOADS_QUEUE.env], parser.lambda_handler, "resume_parser") == []
    key = next(k for k in store.objects(f"applications/{cid}/"))
    boto3.client("s3").put_object(Bucket=aws[wiring.RESUMES.env], Key=key, Body=b"old version")
    recruiter = ats.as_role("recruiter", "rec-1")
    assert (
        recruiter.post_json(f"/ats/candidates/{cid}/notes", {"body": "Strong on engines"}).status
        == 201
    )
    task = {"title": "Call Ada back", "candidate_id": cid, "assignee_id": "rec-1"}
    assert recruiter.post_json("/ats/tasks", task).status == 201
    sequence = recruiter.post_json(
        "/ats/sequences",
        {
            "name": "Engines",
            "steps": [{"subject": "Hello {{ first_name }}", "body": "Engines!", "delay_days": 0}],
            "send_window": ALWAYS,
        },
    )
    assert sequence.status == 201, sequence.body
    enrolled = recruiter.post_json(
        f"/ats/sequences/{sequence.json()['sequence_id']}/enrolments", {"candidate_ids": [cid]}
    )
    assert enrolled.status in (200, 201), enrolled.body
    consent = {
        "processing": True,
        "retention": False,
        "policy_version": "2026-01",
        "source": "email",
    }
    assert recruiter.post_json(f"/ats/candidates/{cid}/consents", consent).status == 201

    # Only admins export or erase.
    assert recruiter.get(f"/ats/candidates/{cid}/privacy-export").status == 403
    assert recruiter.post_json(f"/ats/candidates/{cid}/erasure", {}).status == 403
    assert (
        privacy.admin.get("/ats/candidates/0123456789abcdef0123456789abcdef/privacy-export").status
        == 404
    )

    exported = privacy.admin.get(f"/ats/candidates/{cid}/privacy-export")
    assert exported.status == 200, exported.body
    document = exported.json()
    kinds = document["items"]
    for kind in (
        "candidate",
        "application",
        "identity",
        "note",
        "consent",
        "enrolment",
        "contact_point",
        "apply_marker",
    ):
        assert kind in kinds, kind
    assert kinds["candidate"][0]["email"] == EMAIL
    assert kinds["parsed_resume"][0]["document_key"] == key
    assert kinds["parse_state"][0]["status"] in ("parsed", "needs_review")
    assert "self_identification" not in kinds or kinds["self_identification"]
    assert [t["title"] for t in kinds["task"]] == ["Call Ada back"]
    assert [f["filename"] for f in document["files"]] == ["ada-cv.pdf"]
    assert (
        key.replace("/", "%2F") in document["files"][0]["url"] or key in document["files"][0]["url"]
    )

    everything = _everything(aws)
    assert cid in everything
    assert len(_resume_versions(aws, f"applications/{cid}/")) == 2
    assert _resume_versions(aws, f"parsed/applications/{cid}/")

    requested = privacy.admin.post_json(f"/ats/candidates/{cid}/erasure", {})
    assert requested.status == 202, requested.body
    assert requested.json()["status"] == "queued"
    # Asking twice queues the same work again; it is done once.
    assert privacy.admin.post_json(f"/ats/candidates/{cid}/erasure", {}).status == 202
    assert privacy.work() == []
    audit = privacy.admin.get(f"/ats/candidates/{cid}/erasure").json()
    assert audit["status"] == "done"
    assert audit["action"] == "erasure"
    assert audit["requested_by"] == "admin-1"
    assert audit["counts"]["items"]["candidate"] == 1
    assert audit["counts"]["items"]["application"] == 1
    assert audit["counts"]["objects"] >= 3  # two resume versions and the parser's output
    assert audit["counts"]["suppressed"] == 1

    # Nothing about the person is left: no item, no file version, no search document.
    from search_indexer import handler as indexer

    assert (
        drain(aws[wiring.SEARCH_UPDATES_QUEUE.env], indexer.lambda_handler, "search_indexer") == []
    )
    left = _everything(aws)
    for trace in (EMAIL, "Lovelace", "Strong on engines", "Call Ada back", key, app):
        assert trace not in left.lower() if trace == EMAIL else trace not in left, trace
    remaining = [line for line in left.splitlines() if cid in line]
    assert len(remaining) == 1
    assert '"PRIVACY#' in remaining[0]
    assert _resume_versions(aws, f"applications/{cid}/") == []
    assert _resume_versions(aws, f"parsed/applications/{cid}/") == []
    assert ats.as_role("admin").get(f"/ats/candidates/{cid}").status == 404

    # The address stays suppressed as a keyed hash: the plain SHA-256 is not stored.
    import hashlib

    from recruiting.storage.outreach import OutreachRepository, address_key

    assert OutreachRepository().suppressed(EMAIL.upper()) is not None
    assert address_key(EMAIL) in left
    assert hashlib.sha256(EMAIL.encode()).hexdigest() not in left

    # A redelivered request changes nothing and the audit keeps its counts.
    from privacy import handler

    assert handler.build().erase(cid) == "already_done"
    assert privacy.admin.get(f"/ats/candidates/{cid}/erasure").json() == audit
    assert privacy.admin.post_json(f"/ats/candidates/{cid}/erasure", {}).json()["status"] == "done"


def test_an_erasure_cut_short_is_finished_by_the_retry(aws, privacy, store, monkeypatch):
    cid, _ = privacy.apply(EMAIL, "Ada")
    assert privacy.admin.post_json(f"/ats/candidates/{cid}/erasure", {}).status == 202
    from privacy import handler

    eraser = handler.build()
    real = eraser.repository.delete
    calls = {"n": 0}

    def dies_after_the_first_batch(items):
        calls["n"] += 1
        if calls["n"] == 2:
            raise TimeoutError("the function timed out mid-erasure")
        real(items)

    monkeypatch.setattr(eraser.repository, "delete", dies_after_the_first_batch)
    url = aws[wiring.PRIVACY_REQUESTS_QUEUE.env]
    assert len(drain(url, handler.lambda_handler, "privacy")) == 1
    assert privacy.admin.get(f"/ats/candidates/{cid}/erasure").json()["status"] == "running"
    monkeypatch.setattr(eraser.repository, "delete", real)
    # The failed message returns after the visibility timeout (and ends in the DLQ if it
    # keeps failing); asking again queues the unfinished work at once.
    assert privacy.admin.post_json(f"/ats/candidates/{cid}/erasure", {}).status == 202
    assert drain(url, handler.lambda_handler, "privacy") == []
    assert privacy.admin.get(f"/ats/candidates/{cid}/erasure").json()["status"] == "done"
    assert EMAIL not in _everything(aws).lower()


def test_consent_is_recorded_with_time_and_policy_version_and_refused_by_field(privacy, ats):
    cid, _ = privacy.apply(EMAIL, "Ada")
    recruiter = ats.as_role("recruiter", "rec-1")
    bad = recruiter.post_json(
        f"/ats/candidates/{cid}/consents",
        {"processing": True, "retention": True, "policy_version": "v1", "source": "pigeon"},
    )
    assert bad.status == 422
    assert bad.json()["errors"][0]["field"] == "source"
    missing = recruiter.post_json(f"/ats/candidates/{cid}/consents", {"processing": True})
    assert missing.status == 422
    assert {e["field"] for e in missing.json()["errors"]} >= {"retention", "policy_version"}
    assert (
        ats.as_role("interviewer")
        .post_json(
            f"/ats/candidates/{cid}/consents",
            {"processing": True, "retention": True, "policy_version": "v1", "source": "call"},
        )
        .status
        == 403
    )
    good = recruiter.post_json(
        f"/ats/candidates/{cid}/consents",
        {
            "processing": True,
            "retention": False,
            "marketing": True,
            "policy_version": "2026-02",
            "source": "call",
        },
    )
    assert good.status == 201
    assert good.json()["recorded_at"] == "2026-03-02T10:00:01.000000Z"
    assert good.json()["recorded_by"] == "rec-1"
    assert good.json()["policy_version"] == "2026-02"


def _reject(ats, cid: str, app: str) -> None:
    reply = ats.as_role("recruiter").post_json(
        f"/ats/candidates/{cid}/applications/{app}/reject", {"reason": "skills"}
    )
    assert reply.status == 200, reply.body


def test_retention_anonymises_past_the_policy_unless_consented_or_re_engaged(
    aws, ats, privacy, store
):
    # The EU job keeps people 365 days with retention consent, 6 months without.
    consented, consented_app = privacy.apply("keep@example.com", "Kept")
    withdrew, withdrew_app = privacy.apply("gone@example.com", "Gone")
    came_back, came_back_app = privacy.apply("back@example.com", "Back")
    active, _ = privacy.apply("active@example.com", "Active")
    recruiter = ats.as_role("recruiter", "rec-1")
    no_retention = {
        "processing": True,
        "retention": False,
        "policy_version": "2026-01",
        "source": "email",
    }
    for cid, app in (
        (consented, consented_app),
        (withdrew, withdrew_app),
        (came_back, came_back_app),
    ):
        _reject(ats, cid, app)
    for cid in (withdrew, came_back):
        assert recruiter.post_json(f"/ats/candidates/{cid}/consents", no_retention).status == 201

    privacy.clock.value = T0 + timedelta(days=150)
    pool = recruiter.post_json("/ats/pools", {"name": "Silver medallists"})
    assert pool.status == 201, pool.body
    added = recruiter.request("PUT", f"/ats/pools/{pool.json()['pool_id']}/candidates/{came_back}")
    assert added.status in (200, 201, 204), added.body

    privacy.clock.value = T0 + timedelta(days=200)
    tally = privacy.sweep()
    assert tally["anonymised"] == 1
    assert ats.as_role("admin").get(f"/ats/candidates/{withdrew}").status == 404
    for kept in (consented, came_back, active):
        assert ats.as_role("admin").get(f"/ats/candidates/{kept}").status == 200
    everything = _everything(aws)
    assert "gone@example.com" not in everything
    skeleton = next(i for i in store.of_type("application") if i["application_id"] == withdrew_app)
    assert skeleton["contact"] == {}
    assert skeleton["status"] == "rejected"
    assert skeleton["anonymised_at"].startswith("2026-09-18")
    assert "gsi1pk" not in skeleton
    assert "gsi3pk" not in skeleton
    assert skeleton["gsi2pk"] == "APPLIED#2026-03"  # still counted in reports
    audit = privacy.admin.get(f"/ats/candidates/{withdrew}/erasure").json()
    assert audit["action"] == "anonymisation"
    assert audit["requested_by"] == "retention"
    # The sweep again: nothing more, nothing twice.
    assert privacy.sweep()["anonymised"] == 0

    # A year and a bit later the retention consent has run out too; the one who came
    # back is past six months of inactivity; the open application stays.
    privacy.clock.value = T0 + timedelta(days=370)
    assert privacy.sweep()["anonymised"] == 2
    assert ats.as_role("admin").get(f"/ats/candidates/{consented}").status == 404
    assert ats.as_role("admin").get(f"/ats/candidates/{came_back}").status == 404
    assert ats.as_role("admin").get(f"/ats/candidates/{active}").status == 200
