"""Why a file could not be read as a resume."""

from __future__ import annotations


class UnreadableDocument(Exception):
    """A file refused before or during extraction, with a rule and a reason.

    ``rule`` is a stable name (``file_type``, ``file_too_large``, ``pdf_bomb``,
    ``zip_bomb``, ``xml_entities``, ``too_many_pages``, ``file_corrupt``, ...)
    that the import's per-file status and the application's parse status show.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule
        self.message = message
