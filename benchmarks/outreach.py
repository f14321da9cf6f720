"""Outreach on moto: sends per second through the outreach handler, and enrolling a pool.

- a batch of 10 step messages, and 1,000 recipients (100 batches), through the
  handler to a local outbox, against the same number of outbox writes alone
  (the baseline is what a send costs without its checks, ledger and transaction);
- enrolling a pool of 10,000 candidates through the sequence service, against
  writing the same 10,000 enrolment items with one batch writer.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.environment import moto_account
from benchmarks.intake import counting_calls
from recruiting.auth import Principal, Role
from recruiting.outreach.mail import LocalOutbox, build_message
from recruiting.outreach.models import EnrolRequest, SequenceRequest
from recruiting.outreach.service import SequenceService, StepMessage
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.items import CandidateItem, EnrolmentItem, MembershipItem, PoolItem
from recruiting.storage.outreach import OutreachRepository
from recruiting_local.context import LocalContext
from recruiting_local.pump import sqs_event

POOL_SIZE = int(os.environ.get("BENCH_POOL_SIZE", "10000"))
RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "1000"))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ALWAYS = {"start_hour": 0, "end_hour": 24, "weekdays": [0, 1, 2, 3, 4, 5, 6]}


def _people(pool_id: str, count: int) -> list[str]:
    ids = [f"{n:032x}" for n in range(1, count + 1)]
    with CandidateItem.batch_write() as batch:
        for cid in ids:
            batch.save(
                CandidateItem(
                    f"CAND#{cid}",
                    "PROFILE",
                    candidate_id=cid,
                    kind="prospect",
                    first_name="Pat",
                    last_name=f"Example{cid[-4:]}",
                    email=f"pat{cid[-6:]}@example.com",
                    created_at="2026-11-01T00:00:00Z",
                    updated_at="2026-11-01T00:00:00Z",
                )
            )
            batch.save(
                MembershipItem(
                    f"CAND#{cid}",
                    f"POOL#{pool_id}",
                    pool_id=pool_id,
                    candidate_id=cid,
                    added_by="bench",
                    added_at="2026-11-01T00:00:00Z",
                    gsi1pk=f"POOL#{pool_id}",
                    gsi1sk=f"2026-11-01T00:00:00Z#{cid}",
                )
            )
    return ids


def _setup(count: int) -> tuple[str, list[str], SequenceService, Principal]:
    pool_id = "p" * 32
    PoolItem(
        f"POOL#{pool_id}",
        "POOL",
        pool_id=pool_id,
        name="Bench",
        created_by="bench",
        created_at="2026-11-01T00:00:00Z",
        gsi2pk="POOLS",
        gsi2sk=f"bench#{pool_id}",
    ).save()
    ids = _people(pool_id, count)
    sequences = SequenceService(OutreachRepository(), ApplicationRepository(), now=lambda: NOW)
    return pool_id, ids, sequences, Principal(user_id="bench", role=Role.RECRUITER)


def _sequence(sequences: SequenceService, recruiter: Principal) -> str:
    request = SequenceRequest.model_validate(
        {
            "name": "Bench",
            "steps": [
                {"subject": "Hi {{ first_name }}", "body": "Hello."},
                {"delay_days": 3, "subject": "Again", "body": "Hi."},
            ],
            "send_window": ALWAYS,
            "daily_cap": 10_000,
        }
    )
    return str(sequences.create(recruiter, request)["sequence_id"])


def _enrol_rows() -> list[tuple[str, str, str, str, str]]:
    """Enrolling a pool at a tenth of its size and at its size, and the growth."""
    small = _enrol(POOL_SIZE // 10)
    large = _enrol(POOL_SIZE)
    rows = [row for *_, row in (small, large)]
    rows.append(
        (
            f"growth of enrolling a pool from {POOL_SIZE // 10:,} to {POOL_SIZE:,} candidates",
            f"{large[0] / small[0]:.1f}x",
            f"{large[1] / small[1]:.1f}x batch write",
            f"{(large[0] / small[0]) / (large[1] / small[1]):.2f}",
            f"requests {large[2] / small[2]:.1f}x: linear on DynamoDB; moto's index Query "
            "scans the table, so its pages slow as the table grows",
        )
    )
    return rows


def _enrol(size: int) -> tuple[float, float, int, tuple[str, str, str, str, str]]:
    with moto_account(f"benchenrol{size}"):
        pool_id, ids, sequences, recruiter = _setup(size)
        sequence_id = _sequence(sequences, recruiter)
        with counting_calls() as (calls, _):
            started = time.perf_counter()
            result = sequences.enrol(recruiter, sequence_id, EnrolRequest(pool_id=pool_id))
            enrol_seconds = time.perf_counter() - started
        requests = sum(calls.values())
        assert result["enrolled"] == size
        # Baseline: the same number of enrolment items written with one batch writer.
        started = time.perf_counter()
        with EnrolmentItem.batch_write() as batch:
            for cid in ids:
                batch.save(
                    EnrolmentItem(
                        "SEQ#baseline",
                        f"ENROL#{cid}",
                        sequence_id="baseline",
                        candidate_id=cid,
                        status="active",
                        time_zone="UTC",
                        enrolled_by="bench",
                        enrolled_at="x",
                        updated_at="x",
                    )
                )
        baseline = time.perf_counter() - started
    return (
        enrol_seconds,
        baseline,
        requests,
        (
            f"enrol a pool of {size:,} candidates",
            f"{enrol_seconds:.1f} s",
            f"{baseline:.1f} s batch write",
            f"{enrol_seconds / baseline:.2f}",
            "AWS requests: " + ", ".join(f"{k} {v}" for k, v in sorted(calls.items())),
        ),
    )


def _send_rows(outbox: Path) -> list[tuple[str, str, str, str, str]]:
    rows = []
    with moto_account("benchsend"):
        few = RECIPIENTS // 10
        _, ids, sequences, recruiter = _setup(few + RECIPIENTS)
        sequence_id = _sequence(sequences, recruiter)
        sequences.enrol(recruiter, sequence_id, EnrolRequest(candidate_ids=ids[:1000]))
        if len(ids) > 1000:
            sequences.enrol(recruiter, sequence_id, EnrolRequest(candidate_ids=ids[1000:]))
        from outreach import handler

        handler.use(None)
        sender = handler.build()
        sender.now = lambda: NOW
        raw = build_message(
            sender="r@example.com",
            sender_name="R",
            recipient="a@example.com",
            subject="Hi",
            text="t",
            html="<p>t</p>",
            unsubscribe_url="https://x.example/u",
            unsubscribe_mailto=None,
            message_key="k",
        )
        seconds: dict[int, tuple[float, float]] = {}
        for count, chosen in ((few, ids[:few]), (RECIPIENTS, ids[few : few + RECIPIENTS])):
            events = [
                sqs_event(
                    [
                        {
                            "MessageId": str(i),
                            "ReceiptHandle": "r",
                            "Body": StepMessage(sequence_id, cid, 0).body(),
                        }
                        for i, cid in enumerate(chosen[start : start + 10])
                    ],
                    "arn:aws:sqs:us-east-1:1:q",
                )
                for start in range(0, len(chosen), 10)
            ]
            before = len(list(outbox.iterdir())) if outbox.exists() else 0
            started = time.perf_counter()
            for event in events:
                handler.lambda_handler(event, LocalContext("outreach"))
            elapsed = time.perf_counter() - started
            assert len(list(outbox.iterdir())) - before == count
            local = LocalOutbox(Path(tempfile.mkdtemp(prefix="base-")))
            started = time.perf_counter()
            for _ in range(count):
                local.send(raw, recipient="a@example.com", sender="r@example.com")
            base = time.perf_counter() - started
            seconds[count] = (elapsed, base)
            rows.append(
                (
                    f"outreach sends through the handler on moto, {count:,} recipients",
                    f"{count / elapsed:.0f} /s",
                    f"{count / base:.0f} /s outbox only",
                    f"{base / elapsed:.3f}",
                    "per send: 5 reads, the cap, the ledger claim, one transaction",
                )
            )
        handler.use(None)
    (small, small_base), (large, large_base) = seconds[few], seconds[RECIPIENTS]
    rows.append(
        (
            f"growth of sending from {few:,} to {RECIPIENTS:,} recipients",
            f"{large / small:.1f}x",
            f"{large_base / small_base:.1f}x outbox only",
            f"{(large / small) / (large_base / small_base):.2f}",
            "linear in the recipients: about 10x",
        )
    )
    return rows


def run() -> list[tuple[str, str, str, str, str]]:
    outbox = Path(tempfile.mkdtemp(prefix="outbox-"))
    os.environ.update(
        {
            "OUTREACH_OUTBOX_DIR": str(outbox),
            "LINK_SIGNING_KEY": "bench",
            "SENDER_EMAIL": "r@example.com",
        }
    )
    return [*_send_rows(outbox), *_enrol_rows()]


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row))
