"""Resume parsing: PDF, DOCX and TXT into a structured profile.

``parse_bytes(data)`` checks the file (size, kind by content, decompression
limits), extracts lines with positions, cuts them into sections and reads
the fields. Heavy libraries (pdfium, defusedxml, phonenumbers) are imported
on first use, and so is the parser itself: the recruiter API imports
``resumes.safety`` for its limits and should not compile the parser's
patterns at cold start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recruiting.resumes.errors import UnreadableDocument
    from recruiting.resumes.parser import parse_bytes, parse_file
    from recruiting.resumes.profile import Education, Experience, Link, Profile

_EXPORTS = {
    "UnreadableDocument": "recruiting.resumes.errors",
    "parse_bytes": "recruiting.resumes.parser",
    "parse_file": "recruiting.resumes.parser",
    "Education": "recruiting.resumes.profile",
    "Experience": "recruiting.resumes.profile",
    "Link": "recruiting.resumes.profile",
    "Profile": "recruiting.resumes.profile",
}

__all__ = [
    "Education",
    "Experience",
    "Link",
    "Profile",
    "UnreadableDocument",
    "parse_bytes",
    "parse_file",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'recruiting.resumes' has no attribute {name!r}")
