"""The one declaration of what runs where.

Every Lambda function, its trigger (API routes, queues, schedules), and the
resources it touches are declared here once. The CDK stack
(``infra/recruiting_infra``) and the local runner (``infra/recruiting_local``)
are both built from this module, so the cloud and the laptop cannot drift.

Nothing here imports AWS or CDK code: it is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# "erase" (buckets only): delete every version under the prefixes, and list them.
Access = Literal["read", "write", "read_write", "erase"]
Auth = Literal["public", "recruiter"]


@dataclass(frozen=True)
class Index:
    """A global secondary index over generic string key attributes."""

    name: str
    partition_key: str
    sort_key: str
    purpose: str


@dataclass(frozen=True)
class Table:
    """A DynamoDB table (on-demand, PITR, KMS) with string keys."""

    key: str
    env: str  # environment variable that carries the physical table name
    partition_key: str
    sort_key: str | None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None
    purpose: str = ""


@dataclass(frozen=True)
class Bucket:
    key: str
    env: str
    purpose: str
    # S3 ObjectCreated notifications under these prefixes go to `notify_queue`.
    notify_prefixes: tuple[str, ...] = ()
    notify_queue: str | None = None
    # (prefix, days): objects under the prefix are deleted that many days after upload.
    expire_prefixes: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Queue:
    """An SQS queue; every queue has a dead-letter queue after `max_receives`."""

    key: str
    env: str
    purpose: str
    max_receives: int = 5
    visibility_timeout_seconds: int = 180
    # (bus key, detail types): an EventBridge rule delivers these events here.
    subscribes_to: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Bus:
    key: str
    env: str
    purpose: str


@dataclass(frozen=True)
class Route:
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str  # API Gateway resource path, e.g. /jobs/{job_id}
    auth: Auth = "public"


@dataclass(frozen=True)
class BucketAccess:
    bucket: str
    prefixes: tuple[str, ...]
    access: Access


@dataclass(frozen=True)
class Function:
    """A Lambda function: a package under functions/ with a `handler` module."""

    name: str
    description: str
    handler: str  # module.attribute relative to functions/
    dependency_layers: tuple[str, ...]  # folder names under layers/deps/
    routes: tuple[Route, ...] = ()
    tables: tuple[tuple[str, Access], ...] = ()
    buckets: tuple[BucketAccess, ...] = ()
    publishes_to: tuple[str, ...] = ()  # event bus keys
    consumes: tuple[str, ...] = ()  # queue keys (SQS event source)
    sends_to: tuple[str, ...] = ()  # queue keys it may SendMessage to
    schedules: tuple[str, ...] = ()  # EventBridge Scheduler expressions
    sends_email: bool = False  # SES SendEmail from Deployment.sender_email
    signs_links: bool = False  # reads the key that signs links in e-mails (unsubscribe)
    memory_mb: int = 512
    timeout_seconds: int = 29
    service: str = ""  # POWERTOOLS_SERVICE_NAME

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


# --- resources --------------------------------------------------------------

JOBS = Table(
    key="jobs",
    env="JOBS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index("by_board", "gsi1pk", "gsi1sk", "open postings of a job board, newest first"),
        Index("by_status", "gsi2pk", "gsi2sk", "jobs by status, by last update"),
    ),
    purpose="job boards, jobs (questions, pipeline, compliance) and board postings",
)

CANDIDATES = Table(
    key="candidates",
    env="CANDIDATES_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index(
            "by_job",
            "gsi1pk",
            "gsi1sk",
            "applications of a job by stage and date; members of a talent pool",
        ),
        Index(
            "by_period",
            "gsi2pk",
            "gsi2sk",
            "applications and stage changes by month; the list of talent pools",
        ),
        Index("by_activity", "gsi3pk", "gsi3sk", "a job stage's applications by last activity"),
    ),
    purpose=(
        "candidates and prospects, identity markers (email), applications, "
        "stage history; everything about a person under one partition"
    ),
)

SELF_IDENTIFICATION = Table(
    key="self_identification",
    env="SELF_ID_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    purpose="voluntary self-identification answers, apart from applications, for aggregates",
)

TASKS = Table(
    key="tasks",
    env="TASKS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index("by_assignee", "gsi1pk", "gsi1sk", "a person's open or done tasks by due date"),
        Index("by_subject", "gsi2pk", "gsi2sk", "tasks about a candidate or a job"),
        Index("by_due_day", "gsi3pk", "gsi3sk", "open tasks falling due on a day (reminders)"),
    ),
    purpose="tasks: assigned work about a candidate or a job, from people, mentions, automations",
)

IDEMPOTENCY = Table(
    key="idempotency",
    env="IDEMPOTENCY_TABLE_NAME",
    partition_key="id",
    sort_key=None,
    ttl_attribute="expiration",
    purpose="Powertools idempotency records (Idempotency-Key header)",
)

SEARCH = Table(
    key="search",
    env="SEARCH_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    purpose="candidate search: a document per person, postings per keyword (TERM#<term>)",
)

OUTREACH_TABLE = Table(
    key="outreach",
    env="OUTREACH_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index("by_due", "gsi1pk", "gsi1sk", "active enrolments by the day their next step is due"),
        Index("by_person", "gsi2pk", "gsi2sk", "a person's enrolments in every sequence"),
    ),
    purpose="sequences, enrolments, the send ledger, suppressions, daily send counts",
)

SCHEDULE = Table(
    key="schedule",
    env="SCHEDULE_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index(
            "by_due",
            "gsi1pk",
            "gsi1sk",
            "pending invitations, reminders and chasers by the day they fall due",
        ),
    ),
    purpose=(
        "interviews, their invitations, reminders and chasers (each sent once), the "
        "ledger of task and stale-candidate reminders, staff contact details"
    ),
)

REPORTS_TABLE = Table(
    key="reports",
    env="REPORTS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index(
            "by_due", "gsi1pk", "gsi1sk", "report subscriptions by the day their next run is due"
        ),
        Index("by_owner", "gsi2pk", "gsi2sk", "a person's report runs and subscriptions"),
    ),
    purpose="report runs (on demand and scheduled) and report subscriptions",
)

WEBHOOKS_TABLE = Table(
    key="webhooks",
    env="WEBHOOKS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expires_at",
    purpose=(
        "outbound webhook endpoints (one partition: they are few) and each endpoint's "
        "deliveries with their attempts (kept 30 days)"
    ),
)

TABLES: tuple[Table, ...] = (
    JOBS,
    CANDIDATES,
    SELF_IDENTIFICATION,
    TASKS,
    SEARCH,
    OUTREACH_TABLE,
    SCHEDULE,
    REPORTS_TABLE,
    WEBHOOKS_TABLE,
    IDEMPOTENCY,
)

RESUME_UPLOADS_QUEUE = Queue(
    key="resume_uploads",
    env="RESUME_UPLOADS_QUEUE_URL",
    purpose="S3 ObjectCreated notifications for resumes and recruiter imports",
)

SEARCH_UPDATES_QUEUE = Queue(
    key="search_updates",
    env="SEARCH_UPDATES_QUEUE_URL",
    purpose="changes to people that the search index must follow",
    visibility_timeout_seconds=120,
    subscribes_to=(
        (
            "events",
            (
                "application.received",
                "candidate.stage_changed",
                "application.rejected",
                "application.withdrawn",
                "application.hired",
                "candidate.updated",
                "candidate.merged",
                "candidate.erased",
                "candidate.anonymised",
                "resume.parsed",
            ),
        ),
    ),
)

OUTREACH_QUEUE = Queue(
    key="outreach",
    env="OUTREACH_QUEUE_URL",
    purpose="due outreach steps (one message per recipient and step); applications that stop them",
    subscribes_to=(
        ("events", ("application.received", "application.hired", "application.rejected")),
    ),
)

REMINDERS_QUEUE = Queue(
    key="reminders",
    env="REMINDERS_QUEUE_URL",
    purpose=(
        "due invitations, reminders, chasers and nudges (one message each); interview "
        "changes, whose invitations go at once"
    ),
    subscribes_to=(
        ("events", ("interview.scheduled", "interview.rescheduled", "interview.cancelled")),
    ),
)

REPORT_REQUESTS_QUEUE = Queue(
    key="report_requests",
    env="REPORT_REQUESTS_QUEUE_URL",
    purpose="report runs to build (on demand from the recruiter API, or a due subscription)",
    # Six times the report function's timeout.
    visibility_timeout_seconds=900,
    max_receives=3,
)

PRIVACY_REQUESTS_QUEUE = Queue(
    key="privacy_requests",
    env="PRIVACY_REQUESTS_QUEUE_URL",
    purpose="erasure requests from the recruiter API (one message per person)",
    # Six times the privacy function's timeout.
    visibility_timeout_seconds=720,
    max_receives=5,
)
# Every detail-type published on the events bus (docs/events.md is the catalogue; a unit
# test keeps the two equal). Webhook endpoints subscribe to any of these, or to "*".
DOMAIN_EVENTS: tuple[str, ...] = (
    "application.received",
    "candidate.stage_changed",
    "application.rejected",
    "application.withdrawn",
    "application.hired",
    "job.created",
    "job.updated",
    "job.opened",
    "job.closed",
    "candidate.updated",
    "candidate.merged",
    "candidate.erased",
    "candidate.anonymised",
    "resume.parsed",
    "interview.scheduled",
    "interview.rescheduled",
    "interview.cancelled",
    "task.created",
    "task.updated",
    "webhook.disabled",
)

WEBHOOK_EVENTS_QUEUE = Queue(
    key="webhook_events",
    env="WEBHOOK_EVENTS_QUEUE_URL",
    purpose="every domain event, for the webhooks function to fan out to subscribed endpoints",
    # Six times the webhooks function's timeout.
    visibility_timeout_seconds=720,
    subscribes_to=(("events", DOMAIN_EVENTS),),
)

WEBHOOK_DELIVERIES_QUEUE = Queue(
    key="webhook_deliveries",
    env="WEBHOOK_DELIVERIES_QUEUE_URL",
    purpose=(
        "one message per webhook delivery; a failed attempt hides it until its next "
        "retry (ChangeMessageVisibility), so it is received once per attempt"
    ),
    visibility_timeout_seconds=720,
    # Above the 8 attempts a delivery gets: the last failure is decided by the function
    # (the delivery is marked failed); the DLQ catches only messages that crash it.
    max_receives=15,
)

QUEUES: tuple[Queue, ...] = (
    RESUME_UPLOADS_QUEUE,
    SEARCH_UPDATES_QUEUE,
    OUTREACH_QUEUE,
    REMINDERS_QUEUE,
    REPORT_REQUESTS_QUEUE,
    PRIVACY_REQUESTS_QUEUE,
    WEBHOOK_EVENTS_QUEUE,
    WEBHOOK_DELIVERIES_QUEUE,
)

RESUMES = Bucket(
    key="resumes",
    env="RESUME_BUCKET_NAME",
    purpose=(
        "resumes and cover letters (applications/), direct uploads (uploads/), recruiter "
        "imports (imports/<pool>/), parser output (parsed/)"
    ),
    notify_prefixes=("applications/", "imports/"),
    notify_queue="resume_uploads",
    expire_prefixes=(("uploads/", 1),),
)

REPORTS = Bucket(
    key="reports",
    env="REPORTS_BUCKET_NAME",
    purpose="report files (runs/<id>/report.csv and .pdf), deleted after 30 days",
    expire_prefixes=(("runs/", 30),),
)

BUCKETS: tuple[Bucket, ...] = (RESUMES, REPORTS)

EVENTS = Bus(
    key="events",
    env="EVENT_BUS_NAME",
    purpose="domain events (application.received, candidate.stage_changed, ...)",
)

BUSES: tuple[Bus, ...] = (EVENTS,)

# --- functions --------------------------------------------------------------

INTAKE = Function(
    name="intake",
    description="Careers-site API: jobs, applications, presigned resume uploads, Greenhouse routes",
    handler="intake.handler.lambda_handler",
    dependency_layers=("core",),
    routes=(
        Route("GET", "/jobs"),
        Route("GET", "/jobs/{job_id}"),
        Route("POST", "/jobs/{job_id}/applications"),
        Route("POST", "/jobs/{job_id}/applications/uploads"),
        Route("GET", "/v1/boards/{board_token}"),
        Route("GET", "/v1/boards/{board_token}/jobs"),
        Route("GET", "/v1/boards/{board_token}/jobs/{job_id}"),
        Route("POST", "/v1/boards/{board_token}/jobs/{job_id}"),
        Route("GET", "/unsubscribe/{token}"),
        Route("POST", "/unsubscribe/{token}"),
        Route("GET", "/surveys/{application_id}/{token}"),
        Route("POST", "/surveys/{application_id}/{token}"),
        Route("GET", "/jobs/{job_id}/posting"),
        Route("GET", "/feeds/{board_token}/jobs.xml"),
        Route("GET", "/feeds/{board_token}/jobs.json"),
    ),
    tables=(
        ("jobs", "read"),
        ("candidates", "read_write"),
        ("self_identification", "write"),
        ("outreach", "read_write"),
        ("idempotency", "read_write"),
    ),
    signs_links=True,
    buckets=(BucketAccess("resumes", ("applications/", "uploads/"), "read_write"),),
    publishes_to=("events",),
    memory_mb=1024,
    timeout_seconds=29,
    service="intake",
)

RECRUITER = Function(
    name="recruiter",
    description="Recruiter API (Cognito JWT): jobs, pipelines, applications, candidate profiles",
    handler="recruiter.handler.lambda_handler",
    dependency_layers=("core",),
    routes=(
        Route("GET", "/ats/jobs", "recruiter"),
        Route("POST", "/ats/jobs", "recruiter"),
        Route("GET", "/ats/jobs/{job_id}", "recruiter"),
        Route("PATCH", "/ats/jobs/{job_id}", "recruiter"),
        Route("POST", "/ats/jobs/{job_id}/open", "recruiter"),
        Route("POST", "/ats/jobs/{job_id}/close", "recruiter"),
        Route("GET", "/ats/jobs/{job_id}/applications", "recruiter"),
        Route("GET", "/ats/candidates/{candidate_id}", "recruiter"),
        Route(
            "POST",
            "/ats/candidates/{candidate_id}/applications/{application_id}/moves",
            "recruiter",
        ),
        Route(
            "POST",
            "/ats/candidates/{candidate_id}/applications/{application_id}/reject",
            "recruiter",
        ),
        Route(
            "POST",
            "/ats/candidates/{candidate_id}/applications/{application_id}/withdraw",
            "recruiter",
        ),
        Route(
            "POST", "/ats/candidates/{candidate_id}/applications/{application_id}/hire", "recruiter"
        ),
        Route("PATCH", "/ats/candidates/{candidate_id}/applications/{application_id}", "recruiter"),
        Route(
            "POST",
            "/ats/candidates/{candidate_id}/applications/{application_id}/scorecards",
            "recruiter",
        ),
        Route("POST", "/ats/candidates/{candidate_id}/notes", "recruiter"),
        Route("GET", "/ats/tasks", "recruiter"),
        Route("POST", "/ats/tasks", "recruiter"),
        Route("PATCH", "/ats/tasks/{task_id}", "recruiter"),
        Route("GET", "/ats/pools", "recruiter"),
        Route("POST", "/ats/pools", "recruiter"),
        Route("GET", "/ats/pools/{pool_id}", "recruiter"),
        Route("PUT", "/ats/pools/{pool_id}/candidates/{candidate_id}", "recruiter"),
        Route("DELETE", "/ats/pools/{pool_id}/candidates/{candidate_id}", "recruiter"),
        Route("GET", "/ats/pools/{pool_id}/imports", "recruiter"),
        Route("POST", "/ats/pools/{pool_id}/imports", "recruiter"),
        Route("GET", "/ats/jobs/{job_id}/self-identification", "recruiter"),
        Route("GET", "/ats/candidates/{candidate_id}/duplicates", "recruiter"),
        Route("POST", "/ats/candidates/{candidate_id}/merge", "recruiter"),
        Route("GET", "/ats/search", "recruiter"),
        Route("GET", "/ats/sequences", "recruiter"),
        Route("POST", "/ats/sequences", "recruiter"),
        Route("GET", "/ats/sequences/{sequence_id}", "recruiter"),
        Route("POST", "/ats/sequences/{sequence_id}/enrolments", "recruiter"),
        Route("POST", "/ats/candidates/{candidate_id}/replied", "recruiter"),
        Route("POST", "/ats/candidates/{candidate_id}/calls", "recruiter"),
        Route("GET", "/ats/surveys", "recruiter"),
        Route(
            "GET",
            "/ats/candidates/{candidate_id}/applications/{application_id}/interviews",
            "recruiter",
        ),
        Route(
            "POST",
            "/ats/candidates/{candidate_id}/applications/{application_id}/interviews",
            "recruiter",
        ),
        Route(
            "PATCH",
            "/ats/candidates/{candidate_id}/applications/{application_id}/interviews/"
            "{interview_id}",
            "recruiter",
        ),
        Route(
            "POST",
            "/ats/candidates/{candidate_id}/applications/{application_id}/interviews/"
            "{interview_id}/cancel",
            "recruiter",
        ),
        Route("GET", "/ats/users/{user_id}/profile", "recruiter"),
        Route("PUT", "/ats/users/{user_id}/profile", "recruiter"),
        Route("POST", "/ats/reports", "recruiter"),
        Route("GET", "/ats/reports/{run_id}", "recruiter"),
        Route("GET", "/ats/report-subscriptions", "recruiter"),
        Route("POST", "/ats/report-subscriptions", "recruiter"),
        Route("DELETE", "/ats/report-subscriptions/{subscription_id}", "recruiter"),
        Route("POST", "/ats/report-subscriptions/{subscription_id}/send", "recruiter"),
        Route("GET", "/ats/candidates/{candidate_id}/privacy-export", "recruiter"),
        Route("POST", "/ats/candidates/{candidate_id}/erasure", "recruiter"),
        Route("GET", "/ats/candidates/{candidate_id}/erasure", "recruiter"),
        Route("POST", "/ats/candidates/{candidate_id}/consents", "recruiter"),
        Route("GET", "/ats/webhooks", "recruiter"),
        Route("POST", "/ats/webhooks", "recruiter"),
        Route("GET", "/ats/webhooks/{webhook_id}", "recruiter"),
        Route("PATCH", "/ats/webhooks/{webhook_id}", "recruiter"),
        Route("DELETE", "/ats/webhooks/{webhook_id}", "recruiter"),
        Route("POST", "/ats/webhooks/{webhook_id}/secret", "recruiter"),
        Route("GET", "/ats/webhooks/{webhook_id}/deliveries", "recruiter"),
        Route(
            "POST",
            "/ats/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
            "recruiter",
        ),
        Route("GET", "/ats/sources", "recruiter"),
        Route("POST", "/ats/sources", "recruiter"),
    ),
    tables=(
        ("jobs", "read_write"),
        ("candidates", "read_write"),
        ("tasks", "read_write"),
        ("self_identification", "read"),
        ("search", "read"),
        ("outreach", "read_write"),
        ("schedule", "read_write"),
        ("reports", "read_write"),
        ("webhooks", "read_write"),
        ("idempotency", "read_write"),
    ),
    # webhook_deliveries: a redelivery asked for by hand
    sends_to=("report_requests", "privacy_requests", "webhook_deliveries"),
    buckets=(
        BucketAccess("reports", ("runs/",), "read"),
        BucketAccess("resumes", ("applications/", "imports/"), "read"),
        # presigned uploads of recruiter imports are signed with this role
        BucketAccess("resumes", ("imports/",), "write"),
    ),
    publishes_to=("events",),
    memory_mb=1024,
    timeout_seconds=29,
    service="recruiter",
)

SEARCH_INDEXER = Function(
    name="search_indexer",
    description="Keeps the candidate search index in step with applications, stages, tags, pools",
    handler="search_indexer.handler.lambda_handler",
    dependency_layers=("core",),
    consumes=("search_updates",),
    tables=(("candidates", "read"), ("search", "read_write")),
    buckets=(BucketAccess("resumes", ("applications/", "parsed/"), "read"),),
    memory_mb=512,
    timeout_seconds=60,
    service="search_indexer",
)

RESUME_PARSER = Function(
    name="resume_parser",
    description="Parses uploaded resumes and recruiter imports into profiles (S3 -> SQS)",
    handler="resume_parser.handler.lambda_handler",
    dependency_layers=("core", "parsing"),
    consumes=("resume_uploads",),
    tables=(("candidates", "read_write"),),
    buckets=(
        BucketAccess("resumes", ("applications/", "imports/"), "read"),
        BucketAccess("resumes", ("parsed/",), "write"),
    ),
    publishes_to=("events",),
    # pdfium's memory follows the page being read, not the file; 1 GB also buys CPU.
    memory_mb=1024,
    # Six times this is the queue's visibility timeout, as AWS advises for SQS sources.
    timeout_seconds=30,
    service="resume_parser",
)

OUTREACH = Function(
    name="outreach",
    description="Sends due outreach steps once (SES), honours unsubscribes, stops on applying",
    handler="outreach.handler.lambda_handler",
    dependency_layers=("core", "outreach"),
    consumes=("outreach",),
    # No schedule: the reminders function hands due steps to this function's queue.
    # No bucket: the sender never reads resumes.
    tables=(("outreach", "read_write"), ("candidates", "read_write"), ("jobs", "read")),
    sends_email=True,
    signs_links=True,
    memory_mb=512,
    timeout_seconds=30,
    service="outreach",
)

REMINDERS = Function(
    name="reminders",
    description=(
        "Every 5 minutes: interview invitations, reminders and scorecard chasers, overdue "
        "tasks, stale candidates (each once); hands due outreach steps to the outreach queue"
    ),
    handler="reminders.handler.lambda_handler",
    dependency_layers=("core", "outreach", "calendar"),
    consumes=("reminders",),
    sends_to=("reminders", "outreach"),
    schedules=("rate(5 minutes)",),
    tables=(
        ("schedule", "read_write"),
        ("candidates", "read"),
        ("tasks", "read"),
        ("jobs", "read"),
        ("outreach", "read"),
    ),
    # Interview reminders link to the resume with an expiring (presigned) URL.
    buckets=(BucketAccess("resumes", ("applications/",), "read"),),
    sends_email=True,
    memory_mb=512,
    timeout_seconds=60,
    service="reminders",
)

REPORT_EXPORTS = Function(
    name="report_exports",
    description=(
        "Builds recruiting reports as CSV and PDF in S3 (on demand, and subscriptions due "
        "at their local time) and e-mails subscribers expiring links"
    ),
    handler="report_exports.handler.lambda_handler",
    dependency_layers=("core", "outreach", "reports"),
    consumes=("report_requests",),
    sends_to=("report_requests",),
    schedules=("rate(15 minutes)",),
    tables=(("reports", "read_write"), ("candidates", "read"), ("jobs", "read")),
    buckets=(BucketAccess("reports", ("runs/",), "read_write"),),
    sends_email=True,
    # 100,000 applications stream through in well under this; the PDF is one page or two.
    memory_mb=1024,
    timeout_seconds=150,
    service="report_exports",
)

PRIVACY = Function(
    name="privacy",
    description=(
        "Erases a person on request (every item, file version and stored reply; a keyed "
        "hash stays suppressed) and, daily, anonymises candidates past their retention"
    ),
    handler="privacy.handler.lambda_handler",
    dependency_layers=("core",),
    consumes=("privacy_requests",),
    schedules=("rate(1 day)",),
    tables=(
        ("candidates", "read_write"),
        ("outreach", "read_write"),
        ("schedule", "read_write"),
        ("tasks", "read_write"),
        ("self_identification", "read_write"),
        ("jobs", "read"),
    ),
    # The only role that may delete object versions; it reads no file.
    buckets=(BucketAccess("resumes", ("applications/", "imports/", "parsed/"), "erase"),),
    # The suppression list's keyed hash is derived from the link-signing secret.
    signs_links=True,
    publishes_to=("events",),
    memory_mb=512,
    timeout_seconds=120,
    service="privacy",
)

WEBHOOKS = Function(
    name="webhooks",
    description=(
        "Outbound webhooks: fans each domain event out to the endpoints subscribed to it "
        "and sends each delivery, signed, retried with backoff for about a day"
    ),
    handler="webhooks.handler.lambda_handler",
    dependency_layers=("core",),
    # Domain events in, one message per delivery out (and back in, once per attempt).
    consumes=("webhook_events", "webhook_deliveries"),
    sends_to=("webhook_deliveries",),
    tables=(("webhooks", "read_write"),),
    # webhook.disabled, and an e-mail to the admin who registered the endpoint.
    publishes_to=("events",),
    sends_email=True,
    memory_mb=512,
    # A batch of 10 deliveries to endpoints that each take the full 10 s timeout.
    timeout_seconds=120,
    service="webhooks",
)

FUNCTIONS: tuple[Function, ...] = (
    INTAKE,
    RECRUITER,
    SEARCH_INDEXER,
    RESUME_PARSER,
    OUTREACH,
    REMINDERS,
    REPORT_EXPORTS,
    PRIVACY,
    WEBHOOKS,
)

# Request bodies API Gateway must hand to Lambda base64-encoded, untouched.
BINARY_MEDIA_TYPES: tuple[str, ...] = ("multipart/form-data",)


def table(key: str) -> Table:
    return next(t for t in TABLES if t.key == key)


def queue(key: str) -> Queue:
    return next(q for q in QUEUES if q.key == key)


def bucket(key: str) -> Bucket:
    return next(b for b in BUCKETS if b.key == key)


def bus(key: str) -> Bus:
    return next(b for b in BUSES if b.key == key)


@dataclass(frozen=True)
class Deployment:
    """Settings a deployment needs (CDK context or environment)."""

    sender_email: str = "recruiting@example.com"
    # SES receives replies for this domain (empty: replies are marked by recruiters).
    reply_domain: str = ""
    careers_site_origins: tuple[str, ...] = field(default_factory=tuple)
    operators_email: str = "ops@example.com"
    # Job distribution (JSON-LD, job feeds); empty: the functions' defaults (config.py).
    organisation_name: str = ""
    organisation_url: str = ""
    organisation_logo_url: str = ""
    careers_page_url: str = ""
