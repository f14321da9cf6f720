"""Settings read from the environment, once, into a typed model.

Handlers build a ``Settings`` at first use (never at import), so tests and the
local runner can point the same code at moto or at real AWS.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from recruiting import wiring


class Settings(BaseModel):
    """Physical resource names plus the intake rules an operator may tune."""

    model_config = ConfigDict(frozen=True)

    jobs_table: str
    candidates_table: str
    self_id_table: str
    idempotency_table: str
    tasks_table: str = ""
    search_table: str = ""
    outreach_table: str = ""
    schedule_table: str = ""
    reports_table: str = ""
    reports_bucket: str = ""
    report_requests_queue: str = ""
    # Functions that may not read resumes (the outreach sender) are not given the bucket.
    resume_bucket: str = ""
    event_bus: str = ""
    outreach_queue: str = ""
    reminders_queue: str = ""
    privacy_requests_queue: str = ""
    # Outbound webhooks: endpoints and deliveries, the fan-out and delivery queues, and
    # (true only under `make run` and in tests) whether http:// and loopback receivers
    # are allowed; deployed, only https:// to public addresses is.
    webhooks_table: str = ""
    webhook_events_queue: str = ""
    webhook_deliveries_queue: str = ""
    webhooks_allow_private_http: bool = False
    # Received replies (SES), when the stack receives mail: only erasure deletes there.
    replies_bucket: str = ""
    # Outreach: the sender address and name, the postal address every e-mail
    # carries, where unsubscribe links point, and the key that signs them.
    sender_email: str = "recruiting@example.com"
    sender_name: str = "Recruiting"
    postal_address: str = "Example Inc., 1 Example Street, Springfield"
    public_api_url: str = "http://127.0.0.1:3000"
    link_signing_key: str = ""
    # Replies to outreach go to reply+<signed id>@<reply_domain> as well as the sender
    # (SES receives that domain); empty: no reply address, replies are marked by hand.
    reply_domain: str = ""
    # Days after a hire or a rejection before the experience survey goes out.
    survey_delay_days: int = Field(default=3, ge=0, le=90)
    region: str = "us-east-1"
    # Where careers-site links point; used for absolute_url in job listings.
    careers_base_url: str = "https://careers.example.com"
    # Origins (scheme://host[:port]) whose browsers may call the public API.
    careers_site_origins: tuple[str, ...] = ()
    # Job distribution (JSON-LD, feeds): the employer, and where the careers page is
    # hosted (a job's page is <careers_page_url>?job=<id>; empty: <careers_base_url>/careers/).
    organisation_name: str = Field(default="Demo Robotics", min_length=1)
    organisation_url: str = ""
    organisation_logo_url: str = ""
    careers_page_url: str = ""
    # The board that GET /jobs lists when no board is named.
    default_board: str = "demo"
    default_phone_region: str = "US"
    # A person applying to the same job again within this window gets the
    # original receipt instead of a second application.
    duplicate_window_days: int = Field(default=30, ge=0)
    idempotency_ttl_seconds: int = Field(default=86_400, ge=60)
    inline_file_max_bytes: int = Field(default=4 * 1024 * 1024, ge=1)
    upload_file_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    upload_url_ttl_seconds: int = Field(default=300, ge=1, le=300)

    @model_validator(mode="before")
    @classmethod
    def _careers_page_under_the_site(cls, values: object) -> object:
        if isinstance(values, dict) and not values.get("careers_page_url"):
            base = values.get("careers_base_url") or cls.model_fields["careers_base_url"].default
            values = {**values, "careers_page_url": f"{str(base).rstrip('/')}/careers/"}
        return values

    @property
    def table_names(self) -> dict[str, str]:
        """Physical names of the tables this function was given, by wiring key
        (``storage.items.bind_tables`` takes this)."""
        names = {
            wiring.JOBS.key: self.jobs_table,
            wiring.CANDIDATES.key: self.candidates_table,
            wiring.SELF_IDENTIFICATION.key: self.self_id_table,
            wiring.TASKS.key: self.tasks_table,
            wiring.SEARCH.key: self.search_table,
            wiring.OUTREACH_TABLE.key: self.outreach_table,
            wiring.SCHEDULE.key: self.schedule_table,
            wiring.REPORTS_TABLE.key: self.reports_table,
            wiring.WEBHOOKS_TABLE.key: self.webhooks_table,
        }
        return {key: name for key, name in names.items() if name}

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        required: tuple[str, ...] = ("candidates_table",),
    ) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "jobs_table": env.get(wiring.JOBS.env, ""),
            "candidates_table": env.get(wiring.CANDIDATES.env, ""),
            "self_id_table": env.get(wiring.SELF_IDENTIFICATION.env, ""),
            "idempotency_table": env.get(wiring.IDEMPOTENCY.env, ""),
            "tasks_table": env.get(wiring.TASKS.env, ""),
            "search_table": env.get(wiring.SEARCH.env, ""),
            "outreach_table": env.get(wiring.OUTREACH_TABLE.env, ""),
            "schedule_table": env.get(wiring.SCHEDULE.env, ""),
            "reports_table": env.get(wiring.REPORTS_TABLE.env, ""),
            "reports_bucket": env.get(wiring.REPORTS.env, ""),
            "report_requests_queue": env.get(wiring.REPORT_REQUESTS_QUEUE.env, ""),
            "outreach_queue": env.get("OUTREACH_QUEUE_URL", ""),
            "reminders_queue": env.get(wiring.REMINDERS_QUEUE.env, ""),
            "privacy_requests_queue": env.get(wiring.PRIVACY_REQUESTS_QUEUE.env, ""),
            "webhooks_table": env.get(wiring.WEBHOOKS_TABLE.env, ""),
            "webhook_events_queue": env.get(wiring.WEBHOOK_EVENTS_QUEUE.env, ""),
            "webhook_deliveries_queue": env.get(wiring.WEBHOOK_DELIVERIES_QUEUE.env, ""),
            "replies_bucket": env.get("REPLIES_BUCKET_NAME", ""),
            "resume_bucket": env.get(wiring.RESUMES.env, ""),
            "event_bus": env.get(wiring.EVENTS.env, ""),
            "region": env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "us-east-1")),
        }
        optional = {
            "careers_base_url": "CAREERS_BASE_URL",
            "default_board": "DEFAULT_BOARD",
            "default_phone_region": "DEFAULT_PHONE_REGION",
            "duplicate_window_days": "DUPLICATE_WINDOW_DAYS",
            "idempotency_ttl_seconds": "IDEMPOTENCY_TTL_SECONDS",
            "inline_file_max_bytes": "INLINE_FILE_MAX_BYTES",
            "upload_file_max_bytes": "UPLOAD_FILE_MAX_BYTES",
            "upload_url_ttl_seconds": "UPLOAD_URL_TTL_SECONDS",
            "sender_email": "SENDER_EMAIL",
            "sender_name": "SENDER_NAME",
            "postal_address": "POSTAL_ADDRESS",
            "public_api_url": "PUBLIC_API_URL",
            "link_signing_key": "LINK_SIGNING_KEY",
            "reply_domain": "REPLY_DOMAIN",
            "survey_delay_days": "SURVEY_DELAY_DAYS",
            "webhooks_allow_private_http": "WEBHOOKS_ALLOW_PRIVATE_HTTP",
            "organisation_name": "ORGANISATION_NAME",
            "organisation_url": "ORGANISATION_URL",
            "organisation_logo_url": "ORGANISATION_LOGO_URL",
            "careers_page_url": "CAREERS_PAGE_URL",
        }
        values.update({field: env[var] for field, var in optional.items() if var in env})
        origins = env.get("CAREERS_SITE_ORIGINS", "")
        values["careers_site_origins"] = tuple(o.strip() for o in origins.split(",") if o.strip())
        missing = [k for k in required if not values[k]]
        if missing:
            raise RuntimeError(f"missing settings: {', '.join(missing)}")
        return cls.model_validate(values)
