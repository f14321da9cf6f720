"""What the recruiter routes need, built once per container at first use."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from recruiting.ats.collaboration import CollaborationService
from recruiting.ats.duplicates import DuplicateService
from recruiting.ats.imports import ImportService
from recruiting.ats.jobs import JobService
from recruiting.ats.pipeline import PipelineService
from recruiting.ats.pools import PoolService
from recruiting.ats.self_identification import SelfIdentificationReport
from recruiting.config import Settings
from recruiting.idempotency import IdempotentCalls
from recruiting.search.index import DynamoSearchIndex
from recruiting.search.service import SearchService
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.events import EventPublisher
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import bind_tables
from recruiting.storage.jobs import JobRepository
from recruiting.storage.resumes import ResumeRecords
from recruiting.storage.tasks import TaskRepository

if TYPE_CHECKING:  # outreach loads at first use: its models cost cold start
    from recruiting.interviews.service import InterviewService
    from recruiting.outreach.service import SequenceService
    from recruiting.outreach.surveys import Surveys
    from recruiting.privacy.service import PrivacyRequests
    from recruiting.reports.service import ReportService


@dataclass
class Dependencies:
    settings: Settings
    jobs: JobService
    pipeline: PipelineService
    collaboration: CollaborationService
    pools: PoolService
    imports: ImportService
    sequences: SequenceService
    interviews: InterviewService
    reports: ReportService
    surveys: Surveys
    privacy: PrivacyRequests
    self_identification: SelfIdentificationReport
    duplicates: DuplicateService
    search: SearchService
    idempotency: IdempotentCalls


_current: Dependencies | None = None


def build(settings: Settings) -> Dependencies:
    from recruiting.interviews.service import InterviewService
    from recruiting.outreach.service import SequenceService
    from recruiting.outreach.surveys import Surveys
    from recruiting.privacy.service import PrivacyRequests
    from recruiting.reports.service import ReportService
    from recruiting.secrets import link_signing_key
    from recruiting.storage.outreach import OutreachRepository
    from recruiting.storage.privacy import PrivacyRepository
    from recruiting.storage.reports import ReportRepository
    from recruiting.storage.schedule import ScheduleRepository

    bind_tables(settings.table_names, region=settings.region)
    events = EventPublisher(settings.event_bus)
    applications = ApplicationRepository()
    jobs = JobService(JobRepository(), events)
    files = ResumeStore(settings.resume_bucket)
    pipeline = PipelineService(jobs, applications, files, events)
    schedule = ScheduleRepository()
    pipeline.interviewing = schedule.interviewing
    pools = PoolService(applications, events)
    search = SearchService(DynamoSearchIndex())
    return Dependencies(
        settings=settings,
        jobs=jobs,
        pipeline=pipeline,
        collaboration=CollaborationService(pipeline, applications, TaskRepository(), events),
        pools=pools,
        imports=ImportService(pools, ResumeRecords(), files),
        sequences=SequenceService(
            OutreachRepository(),
            applications,
            find=lambda principal, found: search.candidate_ids(
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
        ),
        interviews=InterviewService(schedule, applications, events, JobRepository()),
        reports=ReportService(
            ReportRepository(),
            ResumeStore(settings.reports_bucket),
            _report_queue(settings.report_requests_queue),
            lambda user: profile.email if (profile := schedule.staff(user)) else None,
        ),
        surveys=Surveys(
            OutreachRepository(),
            applications,
            key=link_signing_key,
            public_url=settings.public_api_url,
        ),
        privacy=PrivacyRequests(
            PrivacyRepository(), files, _queue(settings.privacy_requests_queue)
        ),
        self_identification=SelfIdentificationReport(jobs),
        duplicates=DuplicateService(pipeline, applications, events),
        search=search,
        idempotency=IdempotentCalls(settings.idempotency_table, settings.idempotency_ttl_seconds),
    )


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
