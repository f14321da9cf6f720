"""Unsubscribing: a one-click POST (RFC 8058) from the mail client, or a page that
asks for a confirmation first. No login, no cookies: the signed link is the proof."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from recruiting import clock
from recruiting.outreach.links import verify
from recruiting.storage.candidates import CandidateRepository
from recruiting.storage.outreach import OutreachRepository

PURPOSE = "unsubscribe"
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>{title}</title></head>
<body><main><h1>{title}</h1>{content}</main></body></html>"""


def page(title: str, content: str) -> str:
    return _PAGE.format(title=escape(title), content=content)


class Unsubscribes:
    def __init__(
        self,
        outreach: OutreachRepository,
        candidates: CandidateRepository,
        key: Callable[[], str],
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.outreach = outreach
        self.candidates = candidates
        self.key = key
        self.now = now

    def valid(self, token: str) -> bool:
        return verify(token, PURPOSE, self.key()) is not None

    def confirmation(self, token: str) -> tuple[int, str]:
        """The GET page: it changes nothing (mail scanners follow links), it asks."""
        if not self.valid(token):
            return 404, page("This link is not valid", "<p>It may have been copied wrongly.</p>")
        form = (
            "<p>Stop all e-mails about jobs from us?</p>"
            f'<form method="post" action="{escape(token)}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            '<button type="submit">Unsubscribe</button></form>'
        )
        return 200, page("Unsubscribe", form)

    def unsubscribe(self, token: str) -> tuple[int, str]:
        """Idempotent: the address joins the suppression list once, every active
        sequence of the person stops, and a second POST answers the same."""
        candidate_id = verify(token, PURPOSE, self.key())
        if candidate_id is None:
            return 404, page("This link is not valid", "<p>It may have been copied wrongly.</p>")
        now = clock.iso(self.now())
        person = self.candidates.get_candidate(candidate_id)
        if person is not None and person.email:
            self.outreach.suppress(person.email, "unsubscribed", now)
        for enrolment in self.outreach.person_enrolments(candidate_id):
            if enrolment.status == "active":
                self.outreach.stop(enrolment, "unsubscribed", now)
        return 200, page("You are unsubscribed", "<p>You will get no more e-mails from us.</p>")
