"""Request bodies of the webhook routes (built at first use, not at import)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from recruiting import wiring

ALL = "*"


def _known(event_type: str) -> str:
    if event_type != ALL and event_type not in wiring.DOMAIN_EVENTS:
        raise PydanticCustomError(
            "unknown_event_type",
            "not an event type: use a detail-type from docs/events.md, or * for every event",
        )
    return event_type


EventType = Annotated[str, AfterValidator(_known)]
EventTypes = Annotated[list[EventType], Field(min_length=1, max_length=50)]


def _alone(event_types: list[str] | None) -> list[str] | None:
    if event_types is None:
        return None
    if ALL in event_types and len(set(event_types)) > 1:
        raise PydanticCustomError("wildcard_alone", '"*" means every event: give it alone')
    return list(dict.fromkeys(event_types))


class WebhookRequest(BaseModel):
    """Register an endpoint for some event types (``["*"]``: all of them)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", str_strip_whitespace=True)

    url: str = Field(min_length=1, max_length=2048, examples=["https://hooks.acme.example/ats"])
    event_types: EventTypes = Field(examples=[["application.received", "application.hired"]])
    description: str | None = Field(default=None, max_length=500)

    _one_wildcard = field_validator("event_types")(_alone)


class WebhookChanges(BaseModel):
    """Change an endpoint: the fields given are replaced; ``enabled: true`` re-enables a
    disabled endpoint (and forgets its failure streak), ``false`` pauses it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", str_strip_whitespace=True)

    url: str | None = Field(default=None, min_length=1, max_length=2048)
    event_types: EventTypes | None = None
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None

    _one_wildcard = field_validator("event_types")(_alone)
