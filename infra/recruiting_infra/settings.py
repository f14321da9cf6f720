"""Deployment settings, read from CDK context with defaults from ``wiring.Deployment``.

Pass them with ``-c key=value`` (the CLI) or in ``cdk.json``'s ``context``:

==========================  ==================================================
``sender_email``            From address of outreach, reminder and report email
``reply_domain``            Domain SES receives outreach replies for (MX to SES
                            inbound); empty (default): no reply address
``careers_site_origins``    Comma-separated origins allowed by CORS
``operators_email``         Receives dead-letter-queue alarms
``deletion_protection``     ``true`` (default) keeps tables, user pool and
                            their data when the stack is deleted
``log_retention_days``      Lambda and API access log retention (default 30)
``api_rate_limit``          Stage steady-state requests per second (default 50)
``api_burst_limit``         Stage burst (default 100)
``public_api_url``          Base URL of links in e-mails (a custom domain);
                            default: the API's execute-api URL
``stack_name``              Stack and API name (default ``Recruiting``; read
                            by ``recruiting_infra.application``)
``organisation_name``       The employer in job postings and feeds
``organisation_url``        The employer's website (``sameAs``, feed publisher)
``organisation_logo_url``   The employer's logo (JSON-LD ``logo``)
``careers_page_url``        Where the careers page is hosted; a job's page is
                            ``<careers_page_url>?job=<id>``
==========================  ==================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from constructs import Node

from recruiting import wiring


def _text(value: Any, default: str) -> str:
    return default if value is None or str(value).strip() == "" else str(value).strip()


def _origins(value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(o.strip().rstrip("/") for o in items if str(o).strip())


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _number(value: Any, default: int) -> int:
    return default if value is None or str(value).strip() == "" else int(value)


@dataclass(frozen=True)
class Settings:
    """Everything a deployment may choose; the rest comes from the wiring."""

    deployment: wiring.Deployment = field(default_factory=wiring.Deployment)
    deletion_protection: bool = True
    log_retention_days: int = 30
    api_rate_limit: int = 50
    api_burst_limit: int = 100
    public_api_url: str = ""

    @classmethod
    def from_context(cls, node: Node) -> Settings:
        """Read the settings from CDK context (``-c key=value`` or ``cdk.json``)."""
        default = cls()
        base = default.deployment
        return cls(
            deployment=wiring.Deployment(
                sender_email=_text(node.try_get_context("sender_email"), base.sender_email),
                reply_domain=_text(node.try_get_context("reply_domain"), base.reply_domain),
                careers_site_origins=_origins(
                    node.try_get_context("careers_site_origins"), base.careers_site_origins
                ),
                operators_email=_text(
                    node.try_get_context("operators_email"), base.operators_email
                ),
                organisation_name=_text(
                    node.try_get_context("organisation_name"), base.organisation_name
                ),
                organisation_url=_text(
                    node.try_get_context("organisation_url"), base.organisation_url
                ),
                organisation_logo_url=_text(
                    node.try_get_context("organisation_logo_url"), base.organisation_logo_url
                ),
                careers_page_url=_text(
                    node.try_get_context("careers_page_url"), base.careers_page_url
                ),
            ),
            deletion_protection=_flag(
                node.try_get_context("deletion_protection"), default.deletion_protection
            ),
            log_retention_days=_number(
                node.try_get_context("log_retention_days"), default.log_retention_days
            ),
            api_rate_limit=_number(node.try_get_context("api_rate_limit"), default.api_rate_limit),
            api_burst_limit=_number(
                node.try_get_context("api_burst_limit"), default.api_burst_limit
            ),
            public_api_url=_text(node.try_get_context("public_api_url"), "").rstrip("/"),
        )
