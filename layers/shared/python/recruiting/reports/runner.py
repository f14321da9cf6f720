"""The report-exports function's work: build a run once, and start due subscriptions.

A run is claimed (queued -> running) before it is built, so a redelivered message does
not build it twice; the CSV and PDF go to ``runs/<id>/`` in the reports bucket (deleted
by lifecycle after 30 days), then the run is marked done. A subscription's run e-mails
its recipient links that expire. Due subscriptions become runs with ids derived from
the subscription and the occurrence, written conditionally, so overlapping sweeps start
each occurrence once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from recruiting import clock
from recruiting.outreach import mail
from recruiting.reports import source
from recruiting.reports.cadence import next_run, run_request
from recruiting.reports.exports import to_csv, to_pdf
from recruiting.reports.metrics import Metrics
from recruiting.reports.models import ReportRequest, SubscriptionRequest
from recruiting.reports.service import scoped
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import ReportRunItem
from recruiting.storage.jobs import JobRepository
from recruiting.storage.reports import ReportRepository

EMAIL_LINK_SECONDS = 24 * 3600
CATCH_UP = timedelta(days=7)


class ReportRunner:
    def __init__(
        self,
        reports: ReportRepository,
        jobs: JobRepository,
        store: ResumeStore,
        mailer: mail.Mailer,
        *,
        sender_email: str,
        sender_name: str,
        enqueue: Callable[[str], None],
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.reports = reports
        self.jobs = jobs
        self.store = store
        self.mailer = mailer
        self.sender_email = sender_email
        self.sender_name = sender_name
        self.enqueue = enqueue
        self.now = now

    def build(self, run_id: str, final: bool = False, redelivered: bool = False) -> str:
        """Build the run; ``final``: the queue's last delivery, so a failure is recorded.
        ``redelivered``: the message came back after its visibility timeout (six times the
        function's), so a run still ``running`` was left by a worker that timed out."""
        item = self.reports.run(run_id)
        if item is None:
            return "gone"
        if not self.reports.start(item, take_over=redelivered):
            return "duplicate"
        try:
            request = ReportRequest.model_validate(
                scoped(str(item.role), str(item.owner), dict(item.request))
            )
            jobs = source.matching_jobs(self.jobs, request.filters)
            metrics = Metrics(
                jobs,
                request.start,
                request.end,
                request.time_zone,
                request.group_by,
                source.hired,
            ).feed(
                source.changes(request.start, request.end, jobs),
                source.entries(request.start, request.end, jobs),
            )
            report = metrics.report(request.report)
            described = request.described()
            stamp = f"{request.report}-{request.start}-{request.end}"
            csv_key, pdf_key = f"runs/{run_id}/{stamp}.csv", f"runs/{run_id}/{stamp}.pdf"
            self.store.put(
                csv_key, to_csv(report, described, bom=request.csv_bom), "text/csv; charset=utf-8"
            )
            self.store.put(pdf_key, to_pdf(report, described), "application/pdf")
        except Exception as error:
            if final:
                self.reports.finish(
                    item,
                    status="failed",
                    error=type(error).__name__,
                    finished_at=clock.iso(self.now()),
                )
            else:
                self.reports.requeue(item)  # the message comes back; the DLQ after three
            raise
        self.reports.finish(
            item,
            status="done",
            csv_key=csv_key,
            pdf_key=pdf_key,
            rows=len(report.rows),
            finished_at=clock.iso(self.now()),
        )
        if item.email:
            try:
                self._mail(item, report.title, request, csv_key, pdf_key)
            except (mail.Throttled, mail.Unavailable) as error:
                # Nothing was sent: unless this was the last delivery, the run goes back
                # to the queue, and SQS's redelivery builds it again and sends it.
                if final:
                    self.reports.finish(item, error=f"email not sent: {type(error).__name__}")
                else:
                    self.reports.requeue(item)
                raise
            except mail.Rejected as rejected:
                self.reports.finish(item, error=f"email rejected: {rejected.reason}"[:200])
                return "email_rejected"
            except mail.Unknown:  # SES may have sent it: never again
                self.reports.finish(item, error="email outcome unknown")
                return "email_unknown"
        return "done"

    def _mail(
        self, item: ReportRunItem, title: str, request: ReportRequest, csv_key: str, pdf_key: str
    ) -> None:
        hours = EMAIL_LINK_SECONDS // 3600
        text = (
            f"{title}\n{request.start} to {request.end} ({request.time_zone})\n\n"
            f"CSV: {self._link(csv_key)}\n"
            f"PDF: {self._link(pdf_key)}\n\n"
            f"The links expire in {hours} hours.\n"
        )
        raw = mail.build_notice(
            sender=self.sender_email,
            sender_name=self.sender_name,
            recipient=str(item.email),
            subject=f"{title}: {request.start} to {request.end}",
            text=text,
            message_key=f"report/{item.run_id}",
        )
        self.mailer.send(raw, recipient=str(item.email), sender=self.sender_email)

    def _link(self, key: str) -> str:
        return self.store.download_url(key, EMAIL_LINK_SECONDS, key.rsplit("/", 1)[-1])

    def sweep(self) -> int:
        """Start every subscription that is due (looking back a week after an outage)."""
        now = self.now()
        until = clock.iso(now)
        started = 0
        for back in range(CATCH_UP.days, -1, -1):
            day = (now - timedelta(days=back)).date().isoformat()
            for subscription in list(self.reports.due(day, until)):
                due = str(subscription.next_run_at)
                body = SubscriptionRequest.model_validate(subscription.body)
                request = run_request(body, clock.parse(due))
                run_id = hashlib.sha256(
                    f"{subscription.subscription_id}#{due}".encode()
                ).hexdigest()[:32]
                run = ReportRunItem(
                    f"RUN#{run_id}",
                    "RUN",
                    run_id=run_id,
                    request=request,
                    owner=subscription.owner,
                    role=subscription.role,
                    status="queued",
                    subscription_id=subscription.subscription_id,
                    email=subscription.email,
                    created_at=until,
                    gsi2pk=f"OWNER#{subscription.owner}",
                    gsi2sk=f"{until}#RUN#{run_id}",
                )
                following = clock.iso(next_run(body, max(now, clock.parse(due))))
                if self.reports.add_run(run):
                    self.enqueue(run_id)
                    started += 1
                self.reports.advance(subscription, due, following, run_id)
        return started
