"""iCalendar (RFC 5545, iTIP RFC 5546) parts for interview invitations.

One UID per interview for its whole life, a SEQUENCE that grows with each change, and
METHOD:CANCEL with STATUS:CANCELLED for a cancellation: calendars update or remove the
event they already hold instead of adding a second one. Each recipient's invitation
names only that recipient as attendee, so nobody learns the others' addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Recruiting//Interviews//EN"


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    method: str  # REQUEST | CANCEL
    summary: str
    starts: datetime  # aware
    ends: datetime
    stamp: datetime
    organiser_email: str
    organiser_name: str
    attendee_email: str
    attendee_name: str
    location: str | None = None
    video_url: str | None = None
    description: str = ""


def uid(interview_id: str, domain: str) -> str:
    return f"interview-{interview_id}@{domain}"


def build(invitation: Invitation) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invitation.method)
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", invitation.stamp)
    event.add("dtstart", invitation.starts)
    event.add("dtend", invitation.ends)
    event.add("summary", invitation.summary)
    where = invitation.location or invitation.video_url
    if where:
        event.add("location", where)
    if invitation.video_url:
        event.add("url", invitation.video_url)
    if invitation.description:
        event.add("description", invitation.description)
    event.add("status", "CANCELLED" if invitation.method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organiser = vCalAddress(f"mailto:{invitation.organiser_email}")
    organiser.params["cn"] = vText(invitation.organiser_name)
    event["organizer"] = organiser
    attendee = vCalAddress(f"mailto:{invitation.attendee_email}")
    attendee.params["cn"] = vText(invitation.attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("TRUE")
    event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
