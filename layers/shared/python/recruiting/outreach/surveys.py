"""Candidate experience surveys: after a hire or a rejection, once in six months.

A hire or a rejection schedules a survey a few days later; the sweep hands it
to the outreach queue with the due steps. Sending checks the suppression list
and the person's last survey (never two within six months), claims the survey
(scheduled -> sending) and sends an e-mail whose signed link opens the form.
Answers are recorded once, without the person's name or address, and reported
only in aggregate per job and per department.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from html import escape
from typing import Any

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import FieldError, ValidationFailed
from recruiting.outreach.links import sign, verify
from recruiting.outreach.unsubscribe import page
from recruiting.outreach.windows import SendWindow, next_send_time
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.items import AnswerItem, InteractionItem, SurveyItem
from recruiting.storage.outreach import OutreachRepository

QUIET_DAYS = 182  # never two surveys to one person within six months
SUBJECT = "How was applying to {{ company | default('us', true) }}?"
BODY = (
    "Hello {{ first_name | default('there', true) }},\n\n"
    "Thank you for your time with us. Would you tell us how it went? "
    "It takes a minute, and your answers are only read in aggregate:\n\n"
    "{{ signature }}"
)


def survey_purpose(application_id: str) -> str:
    return f"survey:{application_id}"


class Surveys:
    def __init__(
        self,
        outreach: OutreachRepository,
        applications: ApplicationRepository,
        *,
        key: Callable[[], str],
        public_url: str,
        delay_days: int = 3,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.outreach = outreach
        self.applications = applications
        self.key = key
        self.public_url = public_url.rstrip("/")
        self.delay_days = delay_days
        self.now = now

    # --- scheduling and sending (the outreach function) ---------------------------

    def schedule(self, detail: Mapping[str, Any], outcome: str, department: str | None) -> bool:
        """A survey for this application, once, ``delay_days`` after the decision,
        at the next weekday morning (UTC) after that."""
        application_id = str(detail["application_id"])
        decided = datetime.fromisoformat(str(detail.get("at") or clock.iso(self.now())))
        due = next_send_time(decided + timedelta(days=self.delay_days), SendWindow(9, 17), "UTC")
        due_at = clock.iso(due)
        return self.outreach.schedule_survey(
            SurveyItem(
                f"SURVEY#{application_id}",
                "SURVEY",
                application_id=application_id,
                candidate_id=str(detail["candidate_id"]),
                job_id=int(detail["job_id"]),
                department=department,
                outcome=outcome,
                status="scheduled",
                due_at=due_at,
                updated_at=clock.iso(self.now()),
                gsi1pk=f"DUE#{due_at[:10]}",
                gsi1sk=f"{due_at}#SURVEY#{application_id}",
            )
        )

    def link(self, application_id: str, candidate_id: str) -> str:
        token = sign(candidate_id, survey_purpose(application_id), self.key())
        return f"{self.public_url}/surveys/{application_id}/{token}"

    def send(
        self,
        application_id: str,
        mailer: Any,
        *,
        sender_email: str,
        sender_name: str,
        postal_address: str,
        unsubscribe_url: Callable[[str], str],
    ) -> str:
        # Imported here: the public and recruiter APIs load this module for the
        # form and the results, and need neither jinja2 nor MIME building.
        from recruiting.outreach import mail
        from recruiting.outreach.render import Footer, render

        survey = self.outreach.survey(application_id)
        if survey is None or survey.status != "scheduled":
            return "stale"
        now = clock.iso(self.now())
        person = self.applications.get_candidate(str(survey.candidate_id))
        if person is None or not person.email:
            self.outreach.move_survey(survey, "scheduled", "skipped", now, reason="no_email")
            return "skipped:no_email"
        if self.outreach.suppressed(person.email) is not None:
            self.outreach.move_survey(survey, "scheduled", "skipped", now, reason="suppressed")
            return "skipped:suppressed"
        if not self.outreach.move_survey(survey, "scheduled", "sending", now):
            return "stale"  # another worker has it
        quiet = clock.iso(self.now() - timedelta(days=QUIET_DAYS))
        if not self.outreach.mark_surveyed(str(survey.candidate_id), now, quiet):
            self.outreach.move_survey(survey, "sending", "skipped", now, reason="surveyed_recently")
            return "skipped:surveyed_recently"
        url = self.link(application_id, str(survey.candidate_id))
        values = {"first_name": person.first_name, "signature": sender_name, "company": None}
        body = BODY + f"\n\n{url}"
        rendered = render(
            SUBJECT, body, values, Footer(postal_address, unsubscribe_url(str(person.candidate_id)))
        )
        raw = mail.build_message(
            sender=sender_email,
            sender_name=sender_name,
            recipient=str(person.email),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            unsubscribe_url=unsubscribe_url(str(person.candidate_id)),
            unsubscribe_mailto=None,
            message_key=f"survey/{application_id}",
        )
        try:
            mailer.send(raw, recipient=str(person.email), sender=sender_email)
        except (mail.Throttled, mail.Unavailable):
            self.outreach.move_survey(survey, "sending", "scheduled", now)
            raise
        except mail.Rejected as rejected:
            self.outreach.move_survey(survey, "sending", "skipped", now, reason=str(rejected)[:200])
            return "rejected"
        except mail.Unknown:
            self.outreach.move_survey(survey, "sending", "unknown", now)
            return "unknown"
        self.outreach.move_survey(survey, "sending", "sent", now)
        InteractionItem(
            f"CAND#{survey.candidate_id}",
            f"INTERACTION#{now}#survey#{application_id}",
            kind="email",
            at=now,
            actor="surveys",
            summary=rendered.subject,
        ).save()
        return "sent"

    # --- the form (the public API) ----------------------------------------------------

    def _survey(self, application_id: str, token: str) -> SurveyItem | None:
        survey = self.outreach.survey(application_id)
        if survey is None:
            return None
        who = verify(token, survey_purpose(application_id), self.key())
        return survey if who == survey.candidate_id else None

    def form(self, application_id: str, token: str) -> tuple[int, str]:
        if self._survey(application_id, token) is None:
            return 404, page("This link is not valid", "<p>It may have been copied wrongly.</p>")
        scores = "".join(
            f'<label><input type="radio" name="nps" value="{n}" required> {n}</label> '
            for n in range(11)
        )
        content = (
            '<form method="post">'
            "<fieldset><legend>How likely are you to recommend applying to us to a friend? "
            f"(0 not at all, 10 very likely)</legend>{scores}</fieldset>"
            '<p><label for="went_well">What went well?</label><br>'
            '<textarea id="went_well" name="went_well" maxlength="2000"></textarea></p>'
            '<p><label for="do_better">What could we do better?</label><br>'
            '<textarea id="do_better" name="do_better" maxlength="2000"></textarea></p>'
            '<button type="submit">Send</button></form>'
        )
        return 200, page("Your experience", content)

    def answer(self, application_id: str, token: str, form: Mapping[str, str]) -> tuple[int, str]:
        """Record the answers once; a second submission changes nothing."""
        survey = self._survey(application_id, token)
        if survey is None:
            return 404, page("This link is not valid", "<p>It may have been copied wrongly.</p>")
        raw = (form.get("nps") or "").strip()
        if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= 10:
            message = "Please choose a score from 0 to 10."
            return 422, page("One answer is missing", f"<p>{escape(message)}</p>")
        now = clock.iso(self.now())
        recorded = self.outreach.record_answer(
            AnswerItem(
                f"ANSWER#{application_id}",
                "ANSWER",
                application_id=application_id,
                job_id=int(survey.job_id),
                department=survey.department,
                outcome=str(survey.outcome),
                nps=int(raw),
                went_well=(form.get("went_well") or "")[:2000] or None,
                do_better=(form.get("do_better") or "")[:2000] or None,
                at=now,
                gsi1pk=f"SURVEYDEPT#{survey.department or '-'}",
                gsi1sk=f"{now}#{application_id}",
                gsi2pk=f"SURVEYJOB#{survey.job_id}",
                gsi2sk=f"{now}#{application_id}",
            )
        )
        if not recorded:
            return 200, page("Thank you", "<p>Your answers were already recorded.</p>")
        InteractionItem(
            f"CAND#{survey.candidate_id}",
            f"INTERACTION#{now}#survey-answer#{application_id}",
            kind="survey",
            at=now,
            actor="candidate",
            summary=f"Survey answered (score {int(raw)})",
        ).save()
        return 200, page("Thank you", "<p>Your answers were recorded.</p>")

    # --- results (the recruiter API) -------------------------------------------------------

    def results(
        self, principal: Principal, *, job_id: int | None, department: str | None
    ) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        if (job_id is None) == (department is None):
            raise ValidationFailed(
                [FieldError("job_id", "one_of", "give either job_id or department")]
            )
        answers = self.outreach.answers(job_id=job_id, department=department)
        scores = [int(a.nps) for a in answers]
        promoters = sum(1 for s in scores if s >= 9)
        detractors = sum(1 for s in scores if s <= 6)
        count = len(scores)
        return {
            "job_id": job_id,
            "department": department,
            "responses": count,
            "nps": round(100 * (promoters - detractors) / count) if count else None,
            "promoters": promoters,
            "passives": count - promoters - detractors,
            "detractors": detractors,
            "by_outcome": {
                outcome: sum(1 for a in answers if a.outcome == outcome)
                for outcome in ("hired", "rejected")
            },
        }
