"""What the recruiter routes need, built once per container at first use.

Each service is built (and its module imported) when a route first asks for it:
a cold start pays for the services its request uses, not for all of them, and
importing the handler loads no service code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from recruiting.config import Settings

if TYPE_CHECKING:
    from recruiting.ats.collaboration import CollaborationService
    from recruiting.ats.duplicates import DuplicateService
    from recruiting.ats.imports import ImportService
    from recruiting.ats.jobs import JobService
    from recruiting.ats.pipeline import PipelineService
    from recruiting.ats.pools import PoolService
    from recruiting.ats.self_identification import SelfIdentificationReport
    from recruiting.ats.sources import SourceService
    from recruiting.idempotency import IdempotentCalls
    from recruiting.interviews.service import InterviewService
    from recruiting.outreach.service import SequenceService
    from recruiting.outreach.surveys import Surveys
    from recruiting.privacy.service import PrivacyRequests
    from recruiting.reports.service import ReportService
    from recruiting.search.service import SearchService
    from recruiting.storage.candidates import ApplicationRepository
    from recruiting.storage.events import EventPublisher
    from recruiting.storage.files import ResumeStore
    from recruiting.storage.schedule import ScheduleRepository
    from recruiting.webhooks.service import WebhookService


class Dependencies:
    """The services, each built at its first use and shared from then on."""

    def __init__(self, settings: Settings) -> None:
        from recruiting.storage.items import bind_tables

        self.settings = settings
        bind_tables(settings.table_names, region=settings.region)

    # What several services share.

    @cached_property
    def events(self) -> EventPublisher:
        from recruiting.storage.events import EventPublisher

        return EventPublisher(self.settings.event_bus)

    @cached_property
    def applications(self) -> ApplicationRepository:
        from recruiting.storage.candidates import ApplicationRepository

        return ApplicationRepository()

    @cached_property
    def files(self) -> ResumeStore:
        from recruiting.storage.files import ResumeStore

        return ResumeStore(self.settings.resume_bucket)

    @cached_property
    def schedule(self) -> ScheduleRepository:
        from recruiting.storage.schedule import ScheduleRepository

        return ScheduleRepository()

    # The services the routes use.

    @cached_property
    def jobs(self) -> JobService:
        from recruiting.ats.jobs import JobService
        from recruiting.storage.jobs import JobRepository

        return JobService(JobRepository(), self.events)

    @cached_property
    def pipeline(self) -> PipelineService:
        from recruiting.ats.pipeline import PipelineService

        pipeline = PipelineService(self.jobs, self.applications, self.files, self.events)
        pipeline.interviewing = self.schedule.interviewing
        return pipeline

    @cached_property
    def collaboration(self) -> CollaborationService:
        from recruiting.ats.collaboration import CollaborationService
        from recruiting.storage.tasks import TaskRepository

        return CollaborationService(self.pipeline, self.applications, TaskRepository(), self.events)

    @cached_property
    def pools(self) -> PoolService:
        from recruiting.ats.pools import PoolService

        return PoolService(self.applications, self.events)

    @cached_property
    def sources(self) -> SourceService:
        from recruiting.ats.sources import SourceRegistry, SourceService

        return SourceService(SourceRegistry())

    @cached_property
    def imports(self) -> ImportService:
        from recruiting.ats.imports import ImportService
        from recruiting.storage.resumes import ResumeRecords

        return ImportService(self.pools, ResumeRecords(), self.files)

    @cached_property
    def search(self) -> SearchService:
        from recruiting.search.index import DynamoSearchIndex
        from recruiting.search.service import SearchService

        return SearchService(DynamoSearchIndex())

    @cached_property
    def sequences(self) -> SequenceService:
        from recruiting.outreach.service import SequenceService
        from recruiting.storage.outreach import OutreachRepository

        return SequenceService(
            OutreachRepository(),
            self.applications,
            find=lambda principal, found: self.search.candidate_ids(
                principal,
                found.q,
                field="search.q",
                location=found.location,
                min_years=found.min_years,
                education_level=found.education,
                pool=found.pool,
                tag=found.tag,
                stage=found.stage,
            ),
        )

    @cached_property
    def interviews(self) -> InterviewService:
        from recruiting.interviews.service import InterviewService
        from recruiting.storage.jobs import JobRepository

        return InterviewService(self.schedule, self.applications, self.events, JobRepository())

    @cached_property
    def reports(self) -> ReportService:
        from recruiting.reports.service import ReportService
        from recruiting.storage.files import ResumeStore
        from recruiting.storage.reports import ReportRepository

        schedule = self.schedule
        return ReportService(
            ReportRepository(),
            ResumeStore(self.settings.reports_bucket),
            _report_queue(self.settings.report_requests_queue),
            lambda user: profile.email if (profile := schedule.staff(user)) else None,
        )

    @cached_property
    def surveys(self) -> Surveys:
        from recruiting.outreach.surveys import Surveys
        from recruiting.secrets import link_signing_key
        from recruiting.storage.outreach import OutreachRepository

        return Surveys(
            OutreachRepository(),
            self.applications,
            key=link_signing_key,
            public_url=self.settings.public_api_url,
        )

    @cached_property
    def privacy(self) -> PrivacyRequests:
        from recruiting.privacy.service import PrivacyRequests
        from recruiting.storage.privacy import PrivacyRepository

        return PrivacyRequests(
            PrivacyRepository(), self.files, _queue(self.settings.privacy_requests_queue)
        )

    @cached_property
    def self_identification(self) -> SelfIdentificationReport:
        from recruiting.ats.self_identification import SelfIdentificationReport

        return SelfIdentificationReport(self.jobs)

    @cached_property
    def duplicates(self) -> DuplicateService:
        from recruiting.ats.duplicates import DuplicateService

        return DuplicateService(self.pipeline, self.applications, self.events)

    @cached_property
    def webhooks(self) -> WebhookService:
        from recruiting.storage.webhooks import WebhookRepository
        from recruiting.webhooks.service import WebhookService

        return WebhookService(
            WebhookRepository(),
            _queue(self.settings.webhook_deliveries_queue),
            allow_private=self.settings.webhooks_allow_private_http,
        )

    @cached_property
    def idempotency(self) -> IdempotentCalls:
        from recruiting.idempotency import IdempotentCalls

        return IdempotentCalls(
            self.settings.idempotency_table, self.settings.idempotency_ttl_seconds
        )


_current: Dependencies | None = None


def build(settings: Settings) -> Dependencies:
    return Dependencies(settings)


def _report_queue(url: str) -> Callable[[str], None]:
    def enqueue(run_id: str) -> None:
        import boto3

        boto3.client("sqs").send_message(
            QueueUrl=url, MessageBody=json.dumps({"type": "report.run", "run_id": run_id})
        )

    return enqueue


def _queue(url: str) -> Callable[[dict[str, Any]], None]:
    def enqueue(message: dict[str, Any]) -> None:
        import boto3

        boto3.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(message))

    return enqueue


def get() -> Dependencies:
    global _current
    if _current is None:
        _current = build(Settings.from_env())
    return _current


def use(dependencies: Dependencies | None) -> None:
    global _current
    _current = dependencies
