"""From an S3 upload notification to a parsed profile on the right person.

Two kinds of upload are parsed: a resume that came with an application
(``applications/<candidate>/<application>/resume.<ext>``), whose fields
fill the gaps in what the applicant typed, and a recruiter's import
(``imports/<pool>/<file>``), which becomes a prospect in that pool, or is
matched to someone already known by e-mail, phone or LinkedIn. Each file is
parsed once (see ``storage.resumes``); the outcome, including a refusal and
its reason, is recorded where recruiters see it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from pynamodb.expressions.update import Action

from recruiting import clock
from recruiting.intake.identity import contact_points, linkedin_profile
from recruiting.resumes.errors import UnreadableDocument
from recruiting.resumes.profile import Profile
from recruiting.resumes.safety import MAX_FILE_BYTES
from recruiting.storage.events import EventPublisher
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import (
    CandidateItem,
    ContactPointItem,
    IdentityItem,
    MembershipItem,
    ParsedResumeItem,
)
from recruiting.storage.resumes import (
    Claim,
    ConcurrentChange,
    ImportTarget,
    Outcome,
    ResumeRecords,
)

logger = Logger(child=True)

PARSED_PREFIX = "parsed/"
KEPT_LINK_KINDS = ("linkedin", "github", "portfolio")
MAX_LINKS = 10


@dataclass(frozen=True)
class Upload:
    key: str
    etag: str
    size: int


def uploads(message: dict[str, Any]) -> list[Upload]:
    """The created objects an S3 notification names (none for S3's test event)."""
    found = []
    for record in message.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        obj = record.get("s3", {}).get("object", {})
        key = unquote_plus(str(obj.get("key", "")))
        if key:
            etag = str(obj.get("eTag") or obj.get("sequencer") or "")
            found.append(Upload(key, etag.strip('"'), int(obj.get("size") or 0)))
    return found


@dataclass(frozen=True)
class ApplicationResume:
    candidate_id: str
    application_id: str


def classify(key: str) -> ApplicationResume | ImportTarget | None:
    """What an object key is, for the parser; None for anything it leaves alone."""
    parts = key.split("/")
    if len(parts) == 4 and parts[0] == "applications" and parts[3].startswith("resume."):
        return ApplicationResume(parts[1], parts[2])
    if len(parts) == 3 and parts[0] == "imports" and parts[1] and parts[2]:
        return ImportTarget(parts[1], parts[2])
    return None


def normalise_email(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().lower()


def compact(profile: Profile) -> dict[str, Any]:
    """The profile as stored on the item: no text, bounded lists and strings."""
    data = profile.to_json()
    data["skills"] = [s[:80] for s in data["skills"][:100]]
    data["experience"] = data["experience"][:30]
    data["education"] = data["education"][:10]
    data["links"] = data["links"][:20]
    return data


class ResumePipeline:
    def __init__(
        self,
        records: ResumeRecords,
        files: ResumeStore,
        events: EventPublisher | None,
        parse: Callable[..., Profile],
        now: Callable[[], datetime] = clock.now,
        new_id: Callable[[], str] = clock.new_id,
    ) -> None:
        self.records = records
        self.files = files
        self.events = events
        self.parse = parse
        self.now = now
        self.new_id = new_id

    def handle(self, upload: Upload) -> str:
        """Parse one upload; returns what happened (``parsed``, ``duplicate``, ...)."""
        target = classify(upload.key)
        if target is None:
            return "ignored"
        now = clock.iso(self.now())
        importing = target if isinstance(target, ImportTarget) else None
        claim = self.records.claim(upload.key, upload.etag, now, importing)
        if claim.claim is Claim.DONE:
            state = claim.state
            if state is not None and state.candidate_id and state.status != "failed":
                self._announce(state.candidate_id, target, state.status)  # maybe lost before
            return "duplicate"
        if claim.claim is Claim.BUSY:
            return "busy"
        if claim.claim is Claim.GIVE_UP:
            outcome = Outcome(
                "failed",
                rule="parser_stopped",
                message=f"parsing started {claim.attempts} times and never finished "
                "(the file makes the parser crash or time out)",
            )
            self.records.finish(upload.key, upload.etag, claim.attempts, outcome, now, importing)
            return "failed:parser_stopped"
        try:
            outcome = self._parse(upload, target, now)
            self.records.finish(upload.key, upload.etag, claim.attempts, outcome, now, importing)
        except (ConcurrentChange, MemoryError):
            raise  # retried as it is; a MemoryError is the file's doing and counts
        except Exception:
            # S3 or DynamoDB failed: SQS retries the message (and dead-letters it after
            # its receives); the attempt is given back so it is not counted as a crash.
            self.records.release(upload.key, upload.etag, claim.attempts)
            raise
        if outcome.candidate_id and outcome.status != "failed":
            self._announce(outcome.candidate_id, target, outcome.status)
        return outcome.status if outcome.status != "failed" else f"failed:{outcome.rule}"

    def _parse(self, upload: Upload, target: ApplicationResume | ImportTarget, now: str) -> Outcome:
        data = self.files.read(upload.key, MAX_FILE_BYTES + 1)
        if data is None:
            return Outcome("failed", rule="file_missing", message="the file was deleted")
        name = upload.key.rsplit("/", 1)[-1]
        try:
            profile = self.parse(data, filename=name, as_of=self.now().date())
        except UnreadableDocument as refused:
            logger.info("resume refused", extra={"rule": refused.rule})
            return Outcome("failed", rule=refused.rule, message=refused.message)
        text_key = PARSED_PREFIX + upload.key + ".json"
        self.files.put(
            text_key,
            json.dumps(profile.to_json(with_text=True), ensure_ascii=False).encode(),
            "application/json",
        )
        if isinstance(target, ApplicationResume):
            return self._for_application(target, profile, upload.key, text_key, now)
        return self._for_import(target, profile, upload.key, text_key, now)

    # --- applications ------------------------------------------------------------

    def _for_application(
        self, target: ApplicationResume, profile: Profile, key: str, text_key: str, now: str
    ) -> Outcome:
        person = self.records.get_candidate(target.candidate_id)
        if person is None:
            return Outcome("failed", rule="no_candidate", message="the applicant no longer exists")
        outcome = Outcome("parsed", candidate_id=target.candidate_id, flags=list(profile.flags))
        filled = self._fill_gaps(person, profile, outcome, now)
        source = f"APP#{target.application_id}"
        parsed = self._parsed_item(target.candidate_id, source, profile, key, text_key, now)
        parsed.filled = filled  # type: ignore[assignment]
        outcome.saves.append((parsed, None))
        return outcome

    # --- imports -------------------------------------------------------------------

    def _for_import(
        self, target: ImportTarget, profile: Profile, key: str, text_key: str, now: str
    ) -> Outcome:
        if not self.records.pool_exists(target.pool_id):
            return Outcome(
                "failed", rule="unknown_pool", message=f"there is no talent pool {target.pool_id}"
            )
        email = normalise_email(profile.email) if profile.email else None
        match, matched_on = self._match(email, profile)
        status = "parsed" if profile.has_contact else "needs_review"
        source = f"IMPORT#{target.pool_id}#{target.file}"
        if match is not None:
            person = self.records.get_candidate(match)
            if person is None:
                match = None
        if match is not None and person is not None:
            outcome = Outcome(status, candidate_id=match, created=False, matched_on=matched_on)
            filled = self._fill_gaps(person, profile, outcome, now)
        else:
            match = self.new_id()
            outcome = Outcome(status, candidate_id=match, created=True)
            self._new_prospect(match, email, profile, outcome, now)
            filled = []
        outcome.flags = list(profile.flags)
        if not self.records.is_member(match, target.pool_id):
            outcome.saves.append(
                (
                    MembershipItem(
                        f"CAND#{match}",
                        f"POOL#{target.pool_id}",
                        pool_id=target.pool_id,
                        candidate_id=match,
                        added_by="import",
                        added_at=now,
                        gsi1pk=f"POOL#{target.pool_id}",
                        gsi1sk=f"{now}#{match}",
                    ),
                    MembershipItem.pk.does_not_exist(),
                )
            )
        parsed = self._parsed_item(match, source, profile, key, text_key, now)
        parsed.filled = filled  # type: ignore[assignment]
        outcome.saves.append((parsed, None))
        return outcome

    def _match(self, email: str | None, profile: Profile) -> tuple[str | None, str | None]:
        if email and (found := self.records.by_email(email)):
            return found, "email"
        phone = profile.phone if profile.phone and profile.phone.startswith("+") else None
        if phone and (found := self.records.by_contact_point(f"PHONE#{phone}")):
            return found, "phone"
        for link in profile.links:
            slug = linkedin_profile(link.url if "//" in link.url else f"https://{link.url}")
            if slug and (found := self.records.by_contact_point(f"LINKEDIN#{slug}")):
                return found, "linkedin"
        return None, None

    def _new_prospect(
        self, candidate_id: str, email: str | None, profile: Profile, outcome: Outcome, now: str
    ) -> None:
        first, last = _split_name(profile.name)
        phone_e164 = profile.phone if profile.phone and profile.phone.startswith("+") else None
        links = _kept_links(profile, [])
        pk = f"CAND#{candidate_id}"
        outcome.saves.append(
            (
                CandidateItem(
                    pk,
                    "PROFILE",
                    candidate_id=candidate_id,
                    kind="prospect",
                    first_name=first,
                    last_name=last,
                    email=email,
                    phone=profile.phone,
                    phone_e164=phone_e164,
                    location=profile.location,
                    links=links,
                    flags=[] if profile.has_contact else ["needs_review"],
                    application_count=0,
                    created_at=now,
                    updated_at=now,
                ),
                CandidateItem.pk.does_not_exist(),
            )
        )
        if email:
            outcome.saves.append(
                (
                    IdentityItem(f"EMAIL#{email}", "IDENTITY", candidate_id=candidate_id),
                    IdentityItem.pk.does_not_exist(),
                )
            )
        for point in contact_points(phone_e164, links):
            outcome.saves.append((ContactPointItem(point, pk, candidate_id=candidate_id), None))

    # --- shared ----------------------------------------------------------------------

    def _fill_gaps(
        self, person: CandidateItem, profile: Profile, outcome: Outcome, now: str
    ) -> list[str]:
        """Parsed fields where the person left a gap; nothing typed is overwritten."""
        actions: list[Action] = [CandidateItem.updated_at.set(now)]
        filled: list[str] = []
        phone_e164 = profile.phone if profile.phone and profile.phone.startswith("+") else None
        if not person.phone and profile.phone:
            actions.append(CandidateItem.phone.set(CandidateItem.phone | profile.phone))
            filled.append("phone")
            if phone_e164 and not person.phone_e164:
                actions.append(CandidateItem.phone_e164.set(CandidateItem.phone_e164 | phone_e164))
        else:
            phone_e164 = None
        if not person.location and profile.location:
            actions.append(CandidateItem.location.set(CandidateItem.location | profile.location))
            filled.append("location")
        if not (person.first_name or person.last_name) and profile.name:
            first, last = _split_name(profile.name)
            actions += [CandidateItem.first_name.set(first), CandidateItem.last_name.set(last)]
            filled.append("name")
        existing = [str(u) for u in person.links or []]
        new_links = [u for u in _kept_links(profile, existing) if u not in existing]
        if new_links:
            actions.append(CandidateItem.links.set(CandidateItem.links.append(new_links)))
            filled.append("links")
        if not person.email and profile.email:
            email = normalise_email(profile.email)
            if self.records.by_email(email) is None:
                actions.append(CandidateItem.email.set(email))
                outcome.saves.append(
                    (
                        IdentityItem(
                            f"EMAIL#{email}", "IDENTITY", candidate_id=person.candidate_id
                        ),
                        IdentityItem.pk.does_not_exist(),
                    )
                )
                filled.append("email")
        pk = f"CAND#{person.candidate_id}"
        outcome.updates.append((CandidateItem(pk, "PROFILE"), actions, CandidateItem.pk.exists()))
        for point in contact_points(phone_e164, new_links):
            outcome.saves.append(
                (ContactPointItem(point, pk, candidate_id=person.candidate_id), None)
            )
        return filled

    def _parsed_item(
        self, candidate_id: str, source: str, profile: Profile, key: str, text_key: str, now: str
    ) -> ParsedResumeItem:
        return ParsedResumeItem(
            f"CAND#{candidate_id}",
            f"RESUME#{source}",
            source=source,
            document_key=key,
            text_key=text_key,
            profile=compact(profile),
            parsed_at=now,
        )

    def _announce(
        self, candidate_id: str, target: ApplicationResume | ImportTarget, status: str
    ) -> None:
        if self.events is None:
            return
        detail: dict[str, Any] = {"candidate_id": candidate_id, "status": status}
        if isinstance(target, ApplicationResume):
            detail["application_id"] = target.application_id
        else:
            detail["pool_id"] = target.pool_id
        self.events.announce("resume.parsed", detail)


def _split_name(name: str | None) -> tuple[str, str]:
    words = (name or "").split()
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    return " ".join(words[:-1]), words[-1]


def _kept_links(profile: Profile, existing: list[str]) -> list[str]:
    seen = {_bare(u) for u in existing}
    kept = []
    for link in profile.links:
        if link.kind not in KEPT_LINK_KINDS or _bare(link.url) in seen:
            continue
        url = link.url if "//" in link.url else f"https://{link.url}"
        seen.add(_bare(url))
        kept.append(url)
    return kept[:MAX_LINKS]


def _bare(url: str) -> str:
    value = url.lower().split("//", 1)[-1].removeprefix("www.")
    return value.rstrip("/")
