"""What the public distribution routes answer: a job's JSON-LD, a board's feeds.

Reads only (patterns 59-61 in docs/access-patterns.md): a job by key; a board
by key; the board's open postings through ``by_board``, page by page; then the
jobs themselves in one consistent BatchGetItem. The index lags the table by a
moment after a write, so the jobs read back decide: a job that is no longer
open, or no longer on the board, is left out at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from recruiting import clock
from recruiting.config import Settings
from recruiting.distribution import feeds
from recruiting.distribution.posting import Organisation, job_posting, was_published
from recruiting.errors import NotFound
from recruiting.models.jobs import Board, Job
from recruiting.storage.jobs import JobRepository


class Distribution:
    def __init__(
        self,
        settings: Settings,
        jobs: JobRepository,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.jobs = jobs
        self.organisation = Organisation.of(settings)
        self._now = now

    def now(self) -> datetime:
        return self._now() if self._now is not None else clock.now()

    def job_posting(self, job_id: int, source: str | None = None) -> dict[str, Any]:
        """The JSON-LD of an open or closed job; drafts and unknown jobs are not found."""
        job = self.jobs.get_job(job_id, consistent_read=True)
        if job is None or not was_published(job):
            raise NotFound(f"no job {job_id}")
        return job_posting(
            job, self.organisation, self.settings.careers_page_url, self.now(), source
        )

    def open_jobs(self, board_token: str) -> tuple[Board, list[Job]]:
        """The board and every job open on it, most recently updated first."""
        board = self.jobs.get_board(board_token)
        if board is None:
            raise NotFound(f"no job board {board_token!r}")
        job_ids = [posting.job_id for posting in self.jobs.all_open_postings(board_token)]
        found = self.jobs.get_jobs(job_ids, consistent_read=True)
        listed = [found.get(job_id) for job_id in job_ids]
        return board, [j for j in listed if j is not None and j.is_open and board_token in j.boards]

    def xml_feed(self, board_token: str, source: str | None = None) -> str:
        _, jobs = self.open_jobs(board_token)
        return feeds.xml_feed(
            jobs, self.organisation, self.settings.careers_page_url, self.now(), source
        )

    def json_feed(self, board_token: str, feed_url: str, source: str | None = None) -> str:
        board, jobs = self.open_jobs(board_token)
        feed = feeds.json_feed(
            board,
            jobs,
            self.organisation,
            self.settings.careers_page_url,
            feed_url,
            self.now(),
            source,
        )
        return feeds.json_text(feed)
