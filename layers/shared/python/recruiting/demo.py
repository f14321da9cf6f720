"""The demo organisation ``make run`` seeds: boards, open jobs, a closed one.

Board ``demo`` is the external careers site; ``internal`` lists jobs for
employees. Questions cover every question type so a careers site can be
tried end to end.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from recruiting.models.jobs import (
    Address,
    AnswerOption,
    Board,
    ConsentPolicy,
    EmploymentType,
    Job,
    JobStatus,
    Opening,
    Question,
    QuestionType,
    Salary,
    SalaryUnit,
    SelfIdQuestion,
    Workplace,
)
from recruiting.storage.jobs import JobRepository

CONSENT_EU = ConsentPolicy(
    requires_processing_consent=True,
    requires_retention_consent=True,
    retention_days=365,
    anonymise_after_months=6,
    policy_version="2026-01",
    text="We process your application to assess it, and keep it for a year to consider you again.",
)
SELF_ID = (
    SelfIdQuestion(
        id=1,
        label="Gender",
        options=(
            AnswerOption(id=11, label="Woman"),
            AnswerOption(id=12, label="Man"),
            AnswerOption(id=13, label="Non-binary"),
            AnswerOption(id=14, label="I describe myself as", free_form=True),
            AnswerOption(id=15, label="I prefer not to say"),
        ),
    ),
    SelfIdQuestion(
        id=2,
        label="Which of these describe you?",
        multiple=True,
        options=(
            AnswerOption(id=21, label="I have a disability"),
            AnswerOption(id=22, label="I am a veteran"),
            AnswerOption(id=23, label="I prefer not to say"),
        ),
    ),
)


BOSTON = Address(
    street="27 Drydock Avenue",
    locality="Boston",
    region="MA",
    postal_code="02210",
    country="US",
)


@dataclass(frozen=True)
class SeededOrganisation:
    board_tokens: tuple[str, ...]
    open_job_ids: tuple[int, ...]
    closed_job_id: int


def _job(repo: JobRepository, now: datetime, **fields: object) -> Job:
    job = Job.model_validate(
        {"id": repo.next_job_id(), "created_at": now, "updated_at": now, **fields}
    )
    repo.save_job(job)
    return job


def seed(repo: JobRepository, now: datetime, api_key: str) -> SeededOrganisation:
    """Create the demo boards and jobs. ``api_key`` unlocks Greenhouse-style POSTs."""
    key_hash = hashlib.sha256(api_key.encode("utf-8")).hexdigest()
    repo.save_board(
        Board(
            token="demo",
            name="Demo Robotics",
            description_html="<p>We build friendly robots.</p>",
            api_key_sha256=key_hash,
        )
    )
    repo.save_board(
        Board(
            token="internal",
            name="Demo Robotics (internal)",
            internal=True,
            api_key_sha256=key_hash,
        )
    )
    # The printed local tokens are these people (sub local-<role>).
    open_fields = {
        "status": JobStatus.OPEN,
        "opened_at": now,
        "openings": (Opening(opened_at=now),),
        "recruiter_id": "local-recruiter",
        "hiring_manager_id": "local-hiring_manager",
    }
    backend = _job(
        repo,
        now,
        title="Senior Backend Engineer",
        boards=("demo", "internal"),
        department="Engineering",
        location="Berlin, Germany",
        employment_type=EmploymentType.FULL_TIME,
        job_function="Software Engineering",
        requisition_id="ENG-101",
        description_html="<p>Design the services our robots talk to.</p>",
        address=Address(
            street="Friedrichstraße 68",
            locality="Berlin",
            region="Berlin",
            postal_code="10117",
            country="DE",
        ),
        salary=Salary(min=70_000, max=90_000, currency="EUR", unit=SalaryUnit.YEAR),
        category="Software Development",
        questions=(
            Question(
                id=101,
                label="Why do you want to work with us?",
                type=QuestionType.LONG_TEXT,
                required=True,
            ),
            Question(
                id=102,
                label="Do you need a visa to work in Germany?",
                type=QuestionType.YES_NO,
                required=True,
            ),
            Question(
                id=103,
                label="Which languages do you write in production?",
                type=QuestionType.MULTI_SELECT,
                options=(
                    AnswerOption(id=1, label="Python"),
                    AnswerOption(id=2, label="Go"),
                    AnswerOption(id=3, label="Rust"),
                    AnswerOption(id=4, label="TypeScript"),
                ),
            ),
            Question(
                id=104,
                label="Notice period",
                type=QuestionType.SINGLE_SELECT,
                options=(
                    AnswerOption(id=1, label="Available now"),
                    AnswerOption(id=2, label="One month"),
                    AnswerOption(id=3, label="Three months"),
                ),
            ),
            Question(id=105, label="GitHub profile", type=QuestionType.SHORT_TEXT),
        ),
        consent=CONSENT_EU,
        self_identification=SELF_ID,
        **open_fields,
    )
    designer = _job(
        repo,
        now,
        title="Product Designer",
        boards=("demo",),
        department="Design",
        location="Remote (US)",
        employment_type=EmploymentType.FULL_TIME,
        job_function="Design",
        requisition_id="DES-7",
        description_html="<p>Make robots easy to love.</p>",
        workplace=Workplace.REMOTE,
        remote_countries=("US",),
        salary=Salary(min=110_000, max=140_000, currency="USD", unit=SalaryUnit.YEAR),
        category="Design",
        questions=(
            Question(id=201, label="Portfolio link", type=QuestionType.SHORT_TEXT, required=True),
        ),
        self_identification=SELF_ID,
        **{**open_fields, "hiring_manager_id": "another-hiring-manager"},
    )
    intern = _job(
        repo,
        now,
        title="Robotics Intern",
        boards=("demo",),
        department="Engineering",
        location="Boston, MA",
        employment_type=EmploymentType.INTERNSHIP,
        job_function="Hardware Engineering",
        description_html="<p>Twelve weeks building real robots.</p>",
        address=BOSTON,
        salary=Salary(min=28, currency="USD", unit=SalaryUnit.HOUR),
        category="Hardware Engineering",
        **open_fields,
    )
    support = _job(
        repo,
        now,
        title="Customer Support Specialist",
        boards=("internal",),
        department="Support",
        location="Lisbon, Portugal",
        employment_type=EmploymentType.PART_TIME,
        job_function="Customer Success",
        description_html="<p>Help people get the best from their robots, 20 hours a week.</p>",
        address=Address(
            street="Avenida da Liberdade 110",
            locality="Lisboa",
            region="Lisboa",
            postal_code="1250-146",
            country="PT",
        ),
        salary=Salary(min=1_400, max=1_700, currency="EUR", unit=SalaryUnit.MONTH),
        category="Customer Support",
        consent=CONSENT_EU,
        **open_fields,
    )
    closed = _job(
        repo,
        now,
        title="Office Manager",
        boards=("demo",),
        department="Operations",
        location="Boston, MA",
        description_html="<p>Keep our Boston office running.</p>",
        address=BOSTON,
        status=JobStatus.CLOSED,
        # Open for six weeks, closed five days ago: its JSON-LD says it expired then.
        created_at=now - timedelta(days=50),
        updated_at=now - timedelta(days=5),
        opened_at=now - timedelta(days=45),
        openings=(Opening(opened_at=now - timedelta(days=45), closed_at=now - timedelta(days=5)),),
    )
    return SeededOrganisation(
        board_tokens=("demo", "internal"),
        open_job_ids=(backend.id, designer.id, intern.id, support.id),
        closed_job_id=closed.id,
    )
