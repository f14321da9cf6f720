"""Resume parsing: PDF, DOCX and TXT into a structured profile.

``parse_bytes(data)`` checks the file (size, kind by content, decompression
limits), extracts lines with positions, cuts them into sections and reads
the fields. Heavy libraries (pdfium, defusedxml, phonenumbers) are imported
on first use.
"""

from recruiting.resumes.errors import UnreadableDocument
from recruiting.resumes.parser import parse_bytes, parse_file
from recruiting.resumes.profile import Education, Experience, Link, Profile

__all__ = [
    "Education",
    "Experience",
    "Link",
    "Profile",
    "UnreadableDocument",
    "parse_bytes",
    "parse_file",
]
