"""Replies to outreach e-mail, as Amazon SES receives them.

Every outreach e-mail carries ``Reply-To: <sender>, reply+<token>@<reply domain>``: a reply
reaches the recruiter's own mailbox *and* the platform. The token is the candidate id signed
for the purpose ``reply`` (96 bits, so the local part stays within 64 characters), so a
reply is matched to its person without trusting the ``From`` header, and a forged or
mistyped address matches nobody.

SES stores the message (an S3 receipt action, so replies with attachments are not bounced)
and publishes a ``Received`` notification whose ``receipt.recipients`` and ``mail.headers``
are all this needs; the body is never read. A real reply stops every sequence the person
was enrolled in before it and is put on their timeline. An automatic answer (out of office,
a vacation responder, a delivery report; RFC 3834 ``Auto-Submitted``, ``Precedence``, the
usual responders' headers and subjects) is put on the timeline as automatic and stops
nothing. Redelivered notifications change nothing: the timeline entry is keyed by SES's
message id and stopping is conditional.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from recruiting import clock
from recruiting.outreach.links import sign, verify
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.items import InteractionItem

PURPOSE = "reply"
DIGITS = 24
PREFIX = "reply+"

# Subjects of automatic answers, lower-cased, in the languages the parser reads.
_AUTOMATIC_SUBJECTS = (
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "auto:",
    "out of office",
    "out of the office",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "absence du bureau",
    "respuesta automática",
    "fuera de la oficina",
    "undeliverable",
    "delivery status notification",
    "mail delivery failed",
)
_RESPONDER_HEADERS = ("x-autoreply", "x-autorespond", "x-autoreply-from", "x-mail-autoreply")


def reply_address(candidate_id: str, key: str, domain: str) -> str:
    return f"{PREFIX}{sign(candidate_id, PURPOSE, key, DIGITS)}@{domain}"


def addressed_to(recipients: Iterable[str], key: str, domain: str) -> str | None:
    """The candidate whose signed reply address is among ``recipients``, if any."""
    for recipient in recipients:
        local, _, host = str(recipient).strip().strip("<>").rpartition("@")
        local = local.lower()
        if host.lower() != domain.lower() or not local.startswith(PREFIX):
            continue
        candidate_id = verify(local[len(PREFIX) :], PURPOSE, key, DIGITS)
        if candidate_id is not None:
            return candidate_id
    return None


def automatic(headers: Mapping[str, str], subject: str, source: str) -> str | None:
    """Why a message is an automatic answer rather than a person's reply, or None."""
    submitted = headers.get("auto-submitted", "").strip().lower()
    if submitted and submitted != "no":
        return "auto_submitted"
    if any(name in headers for name in _RESPONDER_HEADERS):
        return "responder_header"
    if headers.get("precedence", "").strip().lower() in ("auto_reply", "bulk", "junk", "list"):
        return "precedence"
    if headers.get("content-type", "").strip().lower().startswith("multipart/report"):
        return "delivery_report"
    if source.strip() in ("", "<>") or source.lower().startswith(("mailer-daemon@", "postmaster@")):
        return "null_sender"
    if subject.strip().lower().startswith(_AUTOMATIC_SUBJECTS):
        return "subject"
    return None


def _when(notification: Mapping[str, Any], fallback: datetime) -> str:
    for holder in ("mail", "receipt"):
        stamp = str((notification.get(holder) or {}).get("timestamp") or "")
        try:
            return clock.iso(clock.parse(stamp))
        except ValueError:
            continue
    return clock.iso(fallback)


class Replies:
    def __init__(
        self,
        applications: ApplicationRepository,
        stop_person: Callable[[str, str, str | None], list[str]],
        *,
        key: str,
        domain: str,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.applications = applications
        self.stop_person = stop_person
        self.key = key
        self.domain = domain
        self.now = now

    def receive(self, notification: Mapping[str, Any]) -> str:
        """Record one received message; returns what it was (for logs and metrics)."""
        receipt = notification.get("receipt") or {}
        mail = notification.get("mail") or {}
        if not self.domain:
            return "no_reply_domain"
        recipients = [*(receipt.get("recipients") or []), *(mail.get("destination") or [])]
        candidate_id = addressed_to(recipients, self.key, self.domain)
        if candidate_id is None:
            return "unmatched"
        if str((receipt.get("virusVerdict") or {}).get("status", "")).upper() == "FAIL":
            return "virus"
        if self.applications.get_candidate(candidate_id) is None:
            return "person_gone"  # erased since: nothing to stop, nothing to record
        headers = {
            str(h.get("name", "")).lower(): str(h.get("value", ""))
            for h in mail.get("headers") or []
        }
        common = mail.get("commonHeaders") or {}
        subject = str(common.get("subject") or headers.get("subject") or "")
        why = automatic(headers, subject, str(mail.get("source") or ""))
        at = _when(notification, self.now())
        message_id = str(mail.get("messageId") or "")[:200] or at
        action = receipt.get("action") or {}
        InteractionItem(
            f"CAND#{candidate_id}",
            f"INTERACTION#{at}#reply#{message_id}",
            kind="reply",
            at=at,
            actor="candidate",
            summary=(subject or "(no subject)")[:200],
            message_id=message_id,
            automatic=why,
            stored=str(action.get("objectKey") or "") or None,
        ).save()
        if why is not None:
            return "automatic"
        self.stop_person(candidate_id, "replied", at)
        return "replied"
