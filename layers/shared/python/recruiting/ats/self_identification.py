"""Self-identification answers, for admins, only in aggregate.

Answers live in their own table, keyed by job and application; nothing here
returns who answered what. Counts under ``MIN_CELL`` are shown as ``"<5"``
so a small group cannot be singled out.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from recruiting.ats.jobs import JobService
from recruiting.auth import Principal, Role, require
from recruiting.storage.items import SelfIdentificationItem

MIN_CELL = 5


def _cell(count: int) -> int | str:
    return count if count == 0 or count >= MIN_CELL else f"<{MIN_CELL}"


class SelfIdentificationReport:
    def __init__(self, jobs: JobService) -> None:
        self.jobs = jobs

    def for_job(self, principal: Principal, job_id: int) -> dict[str, Any]:
        require(principal, Role.ADMIN)
        job = self.jobs.visible_job(principal, job_id)
        counts: dict[str, Counter[int]] = {str(q.id): Counter() for q in job.self_identification}
        respondents = 0
        for item in SelfIdentificationItem.query(f"JOB#{job_id}"):
            respondents += 1
            for question_id, answer in item.answers.as_dict().items():
                if question_id in counts:
                    counts[question_id].update(int(o) for o in answer.get("option_ids", []))
        return {
            "job_id": job_id,
            "respondents": _cell(respondents),
            "questions": [
                {
                    "id": q.id,
                    "label": q.label,
                    "options": [
                        {"id": o.id, "label": o.label, "count": _cell(counts[str(q.id)][o.id])}
                        for o in q.options
                    ],
                }
                for q in job.self_identification
            ],
            "note": f"counts under {MIN_CELL} are not shown, so no one can be singled out",
        }
