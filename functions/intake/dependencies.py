"""What the intake routes need, built once per container at first use.

Never at import: tests and the local runner set the environment (or hand in
their own services with ``use``) before the first request. Each service is
built (and its module imported) when a route first asks for it, so a cold
start pays for the services its request uses.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from recruiting.config import Settings

if TYPE_CHECKING:
    from recruiting.idempotency import IdempotentCalls
    from recruiting.intake.service import IntakeService
    from recruiting.outreach.surveys import Surveys
    from recruiting.outreach.unsubscribe import Unsubscribes


class Dependencies:
    """The services, each built at its first use and shared from then on."""

    def __init__(self, settings: Settings) -> None:
        from recruiting.storage.items import bind_tables

        self.settings = settings
        bind_tables(settings.table_names, region=settings.region)

    @cached_property
    def service(self) -> IntakeService:
        from recruiting.intake.service import IntakeService
        from recruiting.storage.candidates import CandidateRepository
        from recruiting.storage.events import EventPublisher
        from recruiting.storage.files import ResumeStore
        from recruiting.storage.jobs import JobRepository

        return IntakeService(
            settings=self.settings,
            jobs=JobRepository(),
            candidates=CandidateRepository(),
            files=ResumeStore(self.settings.resume_bucket),
            events=EventPublisher(self.settings.event_bus),
        )

    @cached_property
    def idempotency(self) -> IdempotentCalls:
        from recruiting.idempotency import IdempotentCalls

        return IdempotentCalls(
            self.settings.idempotency_table, self.settings.idempotency_ttl_seconds
        )

    @cached_property
    def unsubscribes(self) -> Unsubscribes:
        from recruiting.outreach.unsubscribe import Unsubscribes
        from recruiting.secrets import link_signing_key
        from recruiting.storage.candidates import CandidateRepository
        from recruiting.storage.outreach import OutreachRepository

        return Unsubscribes(OutreachRepository(), CandidateRepository(), link_signing_key)

    @cached_property
    def surveys(self) -> Surveys:
        from recruiting.outreach.surveys import Surveys
        from recruiting.secrets import link_signing_key
        from recruiting.storage.candidates import ApplicationRepository
        from recruiting.storage.outreach import OutreachRepository

        return Surveys(
            OutreachRepository(),
            ApplicationRepository(),
            key=link_signing_key,
            public_url=self.settings.public_api_url,
        )


_current: Dependencies | None = None


def build(settings: Settings) -> Dependencies:
    return Dependencies(settings)


def get() -> Dependencies:
    global _current
    if _current is None:
        _current = build(Settings.from_env())
    return _current


def use(dependencies: Dependencies | None) -> None:
    """Replace (or with None, forget) the dependencies; for tests and the runner."""
    global _current
    _current = dependencies
