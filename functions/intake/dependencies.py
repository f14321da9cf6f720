"""What the intake routes need, built once per container at first use.

Never at import: tests and the local runner set the environment (or hand in
their own services with ``use``) before the first request.
"""

from __future__ import annotations

from dataclasses import dataclass

from recruiting.config import Settings
from recruiting.idempotency import IdempotentCalls
from recruiting.intake.service import IntakeService
from recruiting.outreach.surveys import Surveys
from recruiting.outreach.unsubscribe import Unsubscribes
from recruiting.secrets import link_signing_key
from recruiting.storage.candidates import ApplicationRepository, CandidateRepository
from recruiting.storage.events import EventPublisher
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import bind_tables
from recruiting.storage.jobs import JobRepository
from recruiting.storage.outreach import OutreachRepository


@dataclass
class Dependencies:
    settings: Settings
    service: IntakeService
    idempotency: IdempotentCalls
    unsubscribes: Unsubscribes
    surveys: Surveys


_current: Dependencies | None = None


def build(settings: Settings) -> Dependencies:
    bind_tables(settings.table_names, region=settings.region)
    service = IntakeService(
        settings=settings,
        jobs=JobRepository(),
        candidates=CandidateRepository(),
        files=ResumeStore(settings.resume_bucket),
        events=EventPublisher(settings.event_bus),
    )
    idempotency = IdempotentCalls(settings.idempotency_table, settings.idempotency_ttl_seconds)
    unsubscribes = Unsubscribes(OutreachRepository(), CandidateRepository(), link_signing_key)
    surveys = Surveys(
        OutreachRepository(),
        ApplicationRepository(),
        key=link_signing_key,
        public_url=settings.public_api_url,
    )
    return Dependencies(
        settings=settings,
        service=service,
        idempotency=idempotency,
        unsubscribes=unsubscribes,
        surveys=surveys,
    )


def get() -> Dependencies:
    global _current
    if _current is None:
        _current = build(Settings.from_env())
    return _current


def use(dependencies: Dependencies | None) -> None:
    """Replace (or with None, forget) the dependencies; for tests and the runner."""
    global _current
    _current = dependencies
