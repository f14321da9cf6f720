"""A cursor is a key of the very list it came from (the webhooks' delivery list is
checked in test_webhooks.py). One forged from another list, or
with keys missing, is a 422 naming the cursor: DynamoDB would refuse it as a start
key, which used to surface as a 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest


def _cursor(key: dict[str, str]) -> str:
    encoded = json.dumps({name: {"S": value} for name, value in key.items()}).encode()
    return base64.urlsafe_b64encode(encoded).decode().rstrip("=")


ANOTHER_BOARD = {"pk": "JOB#1", "sk": "POST#x", "gsi1pk": "BOARD#internal", "gsi1sk": "x"}
TABLE_KEY_ONLY = {"pk": "JOB#1", "sk": "POST#x"}
FOREIGN = {"pk": "X#1", "sk": "Y", "gsi9pk": "Z", "gsi9sk": "Z"}


@pytest.fixture
def lists(api, ats, demo) -> dict[str, Any]:
    recruiter = ats.as_role("recruiter")
    pool = recruiter.post_json("/ats/pools", {"name": "Cursors"}).json()["pool_id"]
    return {
        "/jobs": (api, {}),
        "/ats/jobs": (recruiter, {"status": "open"}),
        f"/ats/jobs/{demo.open_job_ids[0]}/applications": (recruiter, {"stage": "applied"}),
        f"/ats/jobs/{demo.open_job_ids[0]}/applications#activity": (
            recruiter,
            {"stage": "applied", "sort": "last_activity"},
        ),
        f"/ats/pools/{pool}": (recruiter, {}),
        f"/ats/pools/{pool}/imports": (recruiter, {}),
        "/ats/tasks": (recruiter, {}),
        f"/ats/tasks?job#{demo.open_job_ids[0]}": (recruiter, {"job_id": demo.open_job_ids[0]}),
    }


@pytest.mark.parametrize("key", [ANOTHER_BOARD, TABLE_KEY_ONLY, FOREIGN], ids=str)
def test_a_cursor_from_elsewhere_is_refused_on_every_list(lists, key):
    assert len(lists) >= 8
    for path, (caller, query) in lists.items():
        reply = caller.get(path.split("#")[0].split("?")[0], **query, cursor=_cursor(key))
        assert reply.status == 422, (path, reply.status, reply.body)
        assert [e["field"] for e in reply.json()["errors"]] == ["cursor"], path
