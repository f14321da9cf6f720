"""Sending one step of one enrolment, once (see ``outreach.service``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from recruiting import clock
from recruiting.outreach import mail
from recruiting.outreach.links import sign
from recruiting.outreach.models import SequenceRequest
from recruiting.outreach.service import StepMessage, interaction, next_due
from recruiting.outreach.windows import next_send_time
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.items import EnrolmentItem
from recruiting.storage.outreach import OutreachRepository, due_keys

logger = Logger(child=True)
_DAY = timedelta(days=1)


class OutreachSender:
    def __init__(
        self,
        outreach: OutreachRepository,
        applications: ApplicationRepository,
        mailer: mail.Mailer,
        *,
        sender_email: str,
        sender_name: str,
        postal_address: str,
        public_url: str,
        signing_key: str,
        reply_domain: str = "",
        now: Callable[[], datetime] = clock.now,
        on_unknown: Callable[[StepMessage], None] = lambda message: None,
    ) -> None:
        self.outreach = outreach
        self.applications = applications
        self.mailer = mailer
        self.sender_email = sender_email
        self.sender_name = sender_name
        self.postal_address = postal_address
        self.public_url = public_url.rstrip("/")
        self.signing_key = signing_key
        self.reply_domain = reply_domain
        self.now = now
        self.on_unknown = on_unknown

    def unsubscribe_url(self, candidate_id: str) -> str:
        return (
            f"{self.public_url}/unsubscribe/{sign(candidate_id, 'unsubscribe', self.signing_key)}"
        )

    def reply_to(self, candidate_id: str) -> tuple[str, ...]:
        """The sender's mailbox and the person's signed reply address (``outreach.replies``)."""
        if not self.reply_domain:
            return ()
        from recruiting.outreach.replies import reply_address

        return (
            self.sender_email,
            reply_address(candidate_id, self.signing_key, self.reply_domain),
        )

    def send(self, message: StepMessage) -> str:
        """Send the step if every rule allows it now; returns what happened."""
        enrolment = self.outreach.enrolment(message.sequence_id, message.candidate_id)
        if enrolment is None or enrolment.status != "active" or enrolment.step != message.step:
            return "stale"  # a duplicate message, or the enrolment moved on or stopped
        sequence = self.outreach.sequence(message.sequence_id)
        if sequence is None:
            return self._stop(enrolment, "sequence_deleted")
        try:
            body = SequenceRequest.model_validate(sequence.body)
        except ValidationError:  # stored before a rule tightened (a sender name): stop
            return self._stop(enrolment, "sequence_invalid")
        person = self.applications.get_candidate(message.candidate_id)
        if person is None:
            return self._stop(enrolment, "person_gone")
        if not person.email:
            return self._stop(enrolment, "no_email")
        suppressed = self.outreach.suppressed(person.email)
        if suppressed is not None:
            return self._stop(enrolment, str(suppressed.reason))
        if person.became_applicant_at and person.became_applicant_at > enrolment.enrolled_at:
            return self._stop(enrolment, "applied")
        now = self.now()
        window = body.send_window.as_window()
        opens = next_send_time(now, window, str(enrolment.time_zone))
        if opens > now:
            self.outreach.reschedule(enrolment, clock.iso(opens), clock.iso(now))
            return "outside_window"
        sender = self.sender_email
        if not self.outreach.count_send(sender, now.date().isoformat(), body.daily_cap):
            tomorrow = next_send_time(
                now.replace(hour=0, minute=0, second=0, microsecond=0) + _DAY,
                window,
                str(enrolment.time_zone),
            )
            self.outreach.reschedule(enrolment, clock.iso(tomorrow), clock.iso(now))
            return "daily_cap"
        return self._send(message, enrolment, body, person, now)

    def _send(
        self,
        message: StepMessage,
        enrolment: EnrolmentItem,
        body: SequenceRequest,
        person: Any,
        now: datetime,
    ) -> str:
        at = clock.iso(now)
        claimed = self.outreach.claim(message.sequence_id, message.candidate_id, message.step, at)
        if claimed is None:
            ledger = self.outreach.ledger(message.sequence_id, message.candidate_id, message.step)
            if ledger is not None and ledger.status == "sending":
                # An earlier attempt claimed it and never settled: SES may have sent it.
                self._settle(ledger, enrolment, "unknown", at, reason="outcome_unknown")
                self.on_unknown(message)
                return "unknown"
            return "duplicate"
        ledger = claimed
        from recruiting.outreach.render import Footer, TemplateError, render  # jinja2

        step = body.steps[message.step]
        url = self.unsubscribe_url(message.candidate_id)
        values = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "job_title": body.job_title,
            "recruiter_name": body.sender_name or self.sender_name,
            "signature": body.signature,
            "company": body.company,
        }
        try:
            rendered = render(step.subject, step.body, values, Footer(self.postal_address, url))
        except TemplateError as error:  # stored before a rule tightened: stop, say why
            self._settle(ledger, enrolment, "rejected", at, reason=f"template: {error}"[:200])
            return "rejected"
        if not rendered.subject:
            self._settle(ledger, enrolment, "rejected", at, reason="template: empty subject")
            return "rejected"
        raw = mail.build_message(
            sender=self.sender_email,
            sender_name=body.sender_name or self.sender_name,
            recipient=str(person.email),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            unsubscribe_url=url,
            unsubscribe_mailto=None,
            message_key=f"{message.sequence_id}/{message.candidate_id}/{message.step}",
            reply_to=self.reply_to(message.candidate_id),
        )
        try:
            sent = self.mailer.send(raw, recipient=str(person.email), sender=self.sender_email)
        except (mail.Throttled, mail.Unavailable):
            self.outreach.release(ledger)
            raise  # the message fails alone and comes back later
        except mail.Rejected as rejected:
            self._settle(ledger, enrolment, "rejected", at, reason=str(rejected.reason)[:200])
            return "rejected"
        except mail.Unknown:
            self._settle(ledger, enrolment, "unknown", at, reason="outcome_unknown")
            self.on_unknown(message)
            return "unknown"
        due = next_due(body, message.step, now, str(enrolment.time_zone))
        timeline = interaction(
            message.candidate_id,
            at,
            rendered.subject,
            sequence_id=message.sequence_id,
            step=message.step,
            message_id=sent.message_id,
        )
        self._settle(
            ledger, enrolment, "sent", at, message_id=sent.message_id, due=due, timeline=timeline
        )
        return "sent"

    def _settle(
        self,
        ledger: Any,
        enrolment: EnrolmentItem,
        status: str,
        at: str,
        *,
        reason: str | None = None,
        message_id: str | None = None,
        due: str | None = None,
        timeline: Any = None,
    ) -> None:
        if status == "sent":
            if due is None:
                actions = [
                    EnrolmentItem.status.set("finished"),
                    EnrolmentItem.step.add(1),
                    EnrolmentItem.due_at.remove(),
                    EnrolmentItem.gsi1pk.remove(),
                    EnrolmentItem.gsi1sk.remove(),
                ]
            else:
                keys = due_keys(due, str(enrolment.sequence_id), str(enrolment.candidate_id))
                actions = [
                    EnrolmentItem.step.add(1),
                    EnrolmentItem.due_at.set(due),
                    EnrolmentItem.gsi1pk.set(keys["gsi1pk"]),
                    EnrolmentItem.gsi1sk.set(keys["gsi1sk"]),
                ]
        else:
            actions = [
                EnrolmentItem.status.set("stopped"),
                EnrolmentItem.stop_reason.set(f"{status}: {reason}" if reason else status),
                EnrolmentItem.gsi1pk.remove(),
                EnrolmentItem.gsi1sk.remove(),
            ]
        actions.append(EnrolmentItem.updated_at.set(at))
        updates: list[Any] = [("update", enrolment, actions, EnrolmentItem.step == enrolment.step)]
        if timeline is not None:
            updates.append(("save", timeline, None, None))
        self.outreach.settle(ledger, status, updates, at, reason=reason, message_id=message_id)

    def _stop(self, enrolment: EnrolmentItem, reason: str) -> str:
        self.outreach.stop(enrolment, reason, clock.iso(self.now()))
        return f"stopped:{reason}"

    def feedback(self, notification: dict[str, Any]) -> list[str]:
        """SES's bounce and complaint notifications (through SNS): a permanent bounce
        or a complaint puts the address on the suppression list, once. Returns the
        reasons recorded, one per address newly suppressed."""
        kind = str(notification.get("eventType") or notification.get("notificationType") or "")
        now = clock.iso(self.now())
        addresses: list[str] = []
        if kind == "Bounce":
            bounce = notification.get("bounce") or {}
            if bounce.get("bounceType") != "Permanent":
                return []  # a full mailbox or a busy server: SES retries those itself
            addresses = [r.get("emailAddress", "") for r in bounce.get("bouncedRecipients", [])]
            reason = "bounce"
        elif kind == "Complaint":
            complaint = notification.get("complaint") or {}
            addresses = [
                r.get("emailAddress", "") for r in complaint.get("complainedRecipients", [])
            ]
            reason = "complaint"
        else:
            return []
        return [
            reason
            for address in addresses
            if "@" in address and self.outreach.suppress(address, reason, now)
        ]

    def stop_person(self, candidate_id: str, reason: str, since: str | None = None) -> list[str]:
        """Stop every active sequence of a person (they applied, replied, unsubscribed)
        that they were enrolled in before ``since`` (when the event happened)."""
        now = clock.iso(self.now())
        return [
            str(e.sequence_id)
            for e in self.outreach.person_enrolments(candidate_id)
            if e.status == "active"
            and (since is None or str(e.enrolled_at) < since)
            and self.outreach.stop(e, reason, now)
        ]
