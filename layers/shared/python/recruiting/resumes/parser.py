"""A resume's bytes into a ``Profile``: check, extract, cut into sections, read fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from recruiting.intake.documents import DocumentKind
from recruiting.resumes.contact import (
    find_email,
    find_links,
    find_location,
    find_name,
    find_phone,
    phone_e164,
)
from recruiting.resumes.document import Document, Line
from recruiting.resumes.entries import parse_education, parse_experience, parse_skills
from recruiting.resumes.profile import Profile, years_of_experience
from recruiting.resumes.safety import check_kind
from recruiting.resumes.sections import Section, split_sections

_REGIONS = {"germany": "DE", "deutschland": "DE", "france": "FR", "uk": "GB", "england": "GB",
            "united kingdom": "GB", "india": "IN", "spain": "ES", "canada": "CA",
            "australia": "AU", "netherlands": "NL", "ireland": "IE", "italy": "IT"}  # fmt: skip


def extract(kind: DocumentKind, data: bytes) -> Document:
    if kind is DocumentKind.PDF:
        from recruiting.resumes.pdf import extract_pdf

        return extract_pdf(data)
    from recruiting.resumes.office import extract_docx, extract_text

    return extract_docx(data) if kind is DocumentKind.DOCX else extract_text(data)


def parse_bytes(data: bytes, *, filename: str | None = None, as_of: date | None = None) -> Profile:
    """The structured profile of a resume; raises ``UnreadableDocument`` for refused files."""
    kind = check_kind(data)
    document = extract(kind, data)
    profile = build_profile(document, as_of or datetime.now(UTC).date())
    if filename and Path(filename).suffix.lower().lstrip(".") not in (kind.extension, "text"):
        profile.flags.append("extension_mismatch")
    return profile


def parse_file(path: Path | str, *, as_of: date | None = None) -> Profile:
    path = Path(path)
    return parse_bytes(path.read_bytes(), filename=path.name, as_of=as_of)


def _lines_of(sections: list[Section], *kinds: str) -> list[Line]:
    return [line for s in sections if s.kind in kinds for line in s.lines]


def build_profile(document: Document, as_of: date) -> Profile:
    sections = split_sections(document.lines)
    header = _lines_of(sections, "header", "contact")
    header_text = "\n".join(line.text for line in header)
    profile = Profile(text=document.text, pages=document.pages, flags=list(document.flags))
    confidence = profile.confidence

    profile.email = find_email(header_text) or find_email(profile.text)
    if profile.email:
        confidence["email"] = 0.99
    raw_phone = find_phone(header_text) or find_phone(profile.text)
    profile.location = find_location(header) or find_location(_lines_of(sections, "summary"))
    if profile.location:
        confidence["location"] = 0.8
    if raw_phone:
        region = next(
            (code for name, code in _REGIONS.items() if name in (profile.location or "").lower()),
            "US",
        )
        profile.phone = phone_e164(raw_phone, region)
        confidence["phone"] = 0.95 if profile.phone.startswith("+") else 0.6
    top = [line for line in document.lines if line.column == 0][:14] + [
        line for line in document.lines if line.column == 1
    ][:8]
    profile.name, name_confidence = find_name(top, profile.email)
    if profile.name:
        confidence["name"] = round(name_confidence, 2)
    profile.links = find_links(profile.text.splitlines(), document.links)
    if profile.links:
        confidence["links"] = 0.95

    profile.skills = parse_skills(_lines_of(sections, "skills"))
    if profile.skills:
        confidence["skills"] = 0.75
    experience_lines = _lines_of(sections, "experience")
    if not experience_lines:
        experience_lines = _lines_of(sections, "summary", "other", "header")
    profile.experience = parse_experience(experience_lines)
    if profile.experience:
        confidence["experience"] = round(
            sum(e.confidence for e in profile.experience) / len(profile.experience), 2
        )
    profile.education = parse_education(_lines_of(sections, "education"))
    if profile.education:
        confidence["education"] = round(
            sum(e.confidence for e in profile.education) / len(profile.education), 2
        )
    profile.years_experience = years_of_experience(profile.experience, as_of)
    if profile.years_experience is not None:
        dated = sum(1 for e in profile.experience if e.start)
        confidence["years_experience"] = round(0.9 * dated / len(profile.experience), 2)
    if not profile.has_contact:
        profile.flags.append("no_contact")
    if document.two_column:
        profile.flags.append("two_column")
    return profile
