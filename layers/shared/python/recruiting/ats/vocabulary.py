"""Enumerations the recruiter API's routes name in their signatures.

Kept apart from the services (which import storage) so that importing the
routes loads no storage code; ``ats.pipeline`` and ``ats.collaboration``
re-export them.
"""

from __future__ import annotations

from enum import StrEnum


class RejectionReason(StrEnum):
    """Reportable reasons (issue 7 counts them); free text goes in the note."""

    SKILLS = "skills"
    EXPERIENCE_LEVEL = "experience_level"
    COMPENSATION = "compensation"
    LOCATION = "location"
    POSITION_FILLED = "position_filled"
    UNRESPONSIVE = "unresponsive"
    ANOTHER_CANDIDATE = "another_candidate"
    OTHER = "other"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
