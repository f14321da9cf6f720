"""PynamoDB item classes for every item type, grouped by table.

Tables use generic string keys (pk, sk, gsiNpk, gsiNsk) so one table can hold
the items one access pattern needs together; a ``type`` discriminator says
which class an item is. Physical table names are bound at run time by
``bind_tables`` (never read from the environment at import).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from recruiting import wiring

# --- jobs table -------------------------------------------------------------


class _ByBoard(GlobalSecondaryIndex["JobsTableItem"]):
    class Meta:
        index_name = wiring.JOBS.indexes[0].name
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _ByStatus(GlobalSecondaryIndex["JobsTableItem"]):
    class Meta:
        index_name = wiring.JOBS.indexes[1].name
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class JobsTableItem(Model):
    class Meta:
        table_name = "jobs"
        region: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_board = _ByBoard()
    by_status = _ByStatus()


class BoardItem(JobsTableItem, discriminator="board"):
    """pk BOARD#<token>, sk BOARD."""

    token = UnicodeAttribute()
    name = UnicodeAttribute()
    description_html = UnicodeAttribute(default="")
    internal = BooleanAttribute(default=False)
    api_key_sha256 = UnicodeAttribute(null=True)


class JobItem(JobsTableItem, discriminator="job"):
    """pk JOB#<id>, sk JOB; gsi2 JOBS#<status> / <updated_at>#<id>."""

    job_id = NumberAttribute()
    status = UnicodeAttribute()
    body = JSONAttribute()  # the Job model as JSON; questions and pipeline nest
    version = VersionAttribute()


class PostingItem(JobsTableItem, discriminator="posting"):
    """pk JOB#<id>, sk POST#<board>; gsi1 BOARD#<board> / <posted_at>#<id> while open.

    Carries the listing fields so a board listing needs no read per job.
    """

    job_id = NumberAttribute()
    board = UnicodeAttribute()
    title = UnicodeAttribute()
    department = UnicodeAttribute(null=True)
    location = UnicodeAttribute(null=True)
    employment_type = UnicodeAttribute(null=True)
    requisition_id = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


class CounterItem(JobsTableItem, discriminator="counter"):
    """pk COUNTER#<name>, sk COUNTER: hands out numeric ids (Greenhouse ids are ints)."""

    value = NumberAttribute(default=0)


class SourceItem(JobsTableItem, discriminator="source"):
    """pk SOURCES, sk SOURCE#<token>: where applications come from (a job board, a
    campaign...), named by the token its apply links carry (``gh_src``)."""

    token = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()


# --- candidates table -------------------------------------------------------


class _ByJob(GlobalSecondaryIndex["CandidatesTableItem"]):
    class Meta:
        index_name = wiring.CANDIDATES.indexes[0].name
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _ByPeriod(GlobalSecondaryIndex["CandidatesTableItem"]):
    class Meta:
        index_name = wiring.CANDIDATES.indexes[1].name
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class _ByActivity(GlobalSecondaryIndex["CandidatesTableItem"]):
    class Meta:
        index_name = wiring.CANDIDATES.indexes[2].name
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class CandidatesTableItem(Model):
    class Meta:
        table_name = "candidates"
        region: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    by_job = _ByJob()
    by_period = _ByPeriod()
    by_activity = _ByActivity()


class CandidateItem(CandidatesTableItem, discriminator="candidate"):
    """pk CAND#<id>, sk PROFILE. What the person typed; parsed fields live elsewhere."""

    candidate_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # prospect | applicant
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)  # None only for an imported resume without one
    phone = UnicodeAttribute(null=True)
    phone_e164 = UnicodeAttribute(null=True)
    location = UnicodeAttribute(null=True)
    links = ListAttribute(of=UnicodeAttribute, default=list)
    # needs_review: imported from a resume without contact details, or parsed unsure
    flags = ListAttribute(of=UnicodeAttribute, default=list)
    application_count = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    became_applicant_at = UnicodeAttribute(null=True)


class ParsedResumeItem(CandidatesTableItem, discriminator="parsed_resume"):
    """pk CAND#<cid>, sk RESUME#<source>: what the parser read from one resume.

    ``source`` is ``APP#<application id>`` or ``IMPORT#<pool id>#<file>``. The
    profile (fields with confidences, no text) is shown beside what the person
    typed, never over it; the full text and profile are in S3 at ``text_key``.
    """

    source = UnicodeAttribute()
    document_key = UnicodeAttribute()
    text_key = UnicodeAttribute()
    profile = JSONAttribute()
    filled = ListAttribute(of=UnicodeAttribute, default=list)  # person's gaps it filled
    parsed_at = UnicodeAttribute()


class ParseStateItem(CandidatesTableItem, discriminator="parse_state"):
    """pk PARSE#<object key>, sk STATE: one uploaded file's way through the parser.

    ``status`` parsing -> parsed | needs_review | failed. The object's ETag
    makes a redelivered notification a no-op and a replaced file a new parse;
    ``attempts`` counts starts that never finished (a crash or a timeout).
    """

    document_key = UnicodeAttribute()
    etag = UnicodeAttribute()
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    candidate_id = UnicodeAttribute(null=True)
    rule = UnicodeAttribute(null=True)
    message = UnicodeAttribute(null=True)
    flags = ListAttribute(of=UnicodeAttribute, default=list)
    updated_at = UnicodeAttribute()


class ImportFileItem(CandidatesTableItem, discriminator="import_file"):
    """pk IMPORT#<pool id>, sk FILE#<file name>: a recruiter import's per-file progress."""

    pool_id = UnicodeAttribute()
    file = UnicodeAttribute()
    document_key = UnicodeAttribute()
    status = UnicodeAttribute()  # parsing | parsed | needs_review | failed
    candidate_id = UnicodeAttribute(null=True)
    created = BooleanAttribute(null=True)  # a new prospect (True) or a known person (False)
    matched_on = UnicodeAttribute(null=True)  # email | phone | linkedin
    rule = UnicodeAttribute(null=True)
    message = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


class ImportSummaryItem(CandidatesTableItem, discriminator="import_summary"):
    """pk IMPORT#<pool id>, sk SUMMARY: counters kept with each file's transitions."""

    pool_id = UnicodeAttribute()
    received = NumberAttribute(default=0)
    parsed = NumberAttribute(default=0)
    needs_review = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)


class InteractionItem(CandidatesTableItem, discriminator="interaction"):
    """pk CAND#<cid>, sk INTERACTION#<at>#<id>: an e-mail sent or received, a call logged,
    a survey sent or answered (the timeline)."""

    kind = UnicodeAttribute()  # email | reply | call | survey | survey_answer
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    summary = UnicodeAttribute()  # the subject of an e-mail, a call's note
    sequence_id = UnicodeAttribute(null=True)
    step = NumberAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    # A received reply: why it counted as an automatic answer (it stopped nothing),
    # and the key SES stored the message under in the inbound mail bucket.
    automatic = UnicodeAttribute(null=True)
    stored = UnicodeAttribute(null=True)


class IdentityItem(CandidatesTableItem, discriminator="identity"):
    """pk EMAIL#<normalised email>, sk IDENTITY: one person per address."""

    candidate_id = UnicodeAttribute()


class ContactPointItem(CandidatesTableItem, discriminator="contact_point"):
    """pk PHONE#<e164> or LINKEDIN#<linkedin.com/in/slug>, sk CAND#<cid>.

    Not unique (unlike e-mail): two people sharing one is how duplicates show.
    """

    candidate_id = UnicodeAttribute()


class MergeItem(CandidatesTableItem, discriminator="merge"):
    """pk CAND#<kept>, sk MERGE#<at>: the audit of a merge (ids only)."""

    merged_from = UnicodeAttribute()
    actor = UnicodeAttribute()
    at = UnicodeAttribute()
    moved = NumberAttribute()


class ApplicationItem(CandidatesTableItem, discriminator="application"):
    """pk CAND#<cid>, sk APP#<app id>.

    gsi1 JOB#<job> / STAGE#<stage>#<applied_at>#<app id>;
    gsi2 APPLIED#<yyyy-mm> / <applied_at>#<app id>;
    gsi3 JOB#<job>#STAGE#<stage> / <last_activity_at>#<app id>.
    """

    application_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    job_id = NumberAttribute()
    stage = UnicodeAttribute()
    status = UnicodeAttribute()  # active | rejected | withdrawn | hired
    applied_at = UnicodeAttribute()
    last_activity_at = UnicodeAttribute()
    # When the application entered its current stage (absent: it never moved).
    stage_since = UnicodeAttribute(null=True)
    board = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    # The source token of the apply link (gh_src), when there was one.
    source_token = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()  # native | greenhouse
    # Native DynamoDB maps and lists (raw, schemaless), readable in the console.
    contact: MapAttribute[str, Any] = MapAttribute()  # contact details exactly as submitted
    answers: MapAttribute[str, Any] = MapAttribute(default=dict)
    educations = ListAttribute(default=list)  # type: ignore[var-annotated]
    employments = ListAttribute(default=list)  # type: ignore[var-annotated]
    consent: MapAttribute[str, Any] = MapAttribute(default=dict)
    documents: MapAttribute[str, Any] = MapAttribute(default=dict)  # resume / cover_letter
    receipt: MapAttribute[str, Any] = MapAttribute()  # the answer the careers site got
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    rating = NumberAttribute(null=True)  # 1-5, the team's overall rating
    # Every stage move is conditional on this, so concurrent moves cannot both win.
    version = NumberAttribute(default=1)
    outcome: MapAttribute[str, Any] = MapAttribute(null=True)  # reason, start date, by whom
    # Retention anonymised the person: what identified them is gone, and the
    # application left the job's pipeline (gsi1, gsi3); it still counts in reports.
    anonymised_at = UnicodeAttribute(null=True)


class ApplyMarkerItem(CandidatesTableItem, discriminator="apply_marker"):
    """pk APPLY#<job>#<cid>, sk APPLY: recognises the same person applying again."""

    application_id = UnicodeAttribute()
    applied_at = UnicodeAttribute()
    receipt: MapAttribute[str, Any] = MapAttribute()


class StageChangeItem(CandidatesTableItem, discriminator="stage_change"):
    """pk CAND#<cid>, sk STAGE#<app id>#<at>; gsi2 STAGE#<yyyy-mm> / <at>#<app id>."""

    application_id = UnicodeAttribute()
    job_id = NumberAttribute()
    from_stage = UnicodeAttribute(null=True)
    to_stage = UnicodeAttribute()
    actor = UnicodeAttribute()
    at = UnicodeAttribute()
    kind = UnicodeAttribute(default="move")  # applied | move | reject | withdraw | hire
    reason = UnicodeAttribute(null=True)  # a rejection reason code, reportable
    # When the application entered ``from_stage``: time in stage without a lookup.
    since = UnicodeAttribute(null=True)


class NoteItem(CandidatesTableItem, discriminator="note"):
    """pk CAND#<cid>, sk NOTE#<at>#<note id>."""

    note_id = UnicodeAttribute()
    body = UnicodeAttribute()
    author = UnicodeAttribute()
    mentions = ListAttribute(of=UnicodeAttribute, default=list)
    application_id = UnicodeAttribute(null=True)
    at = UnicodeAttribute()


class ScorecardItem(CandidatesTableItem, discriminator="scorecard"):
    """pk CAND#<cid>, sk SCORE#<app id>#<interview>#<author>: one per interviewer per interview."""

    application_id = UnicodeAttribute()
    job_id = NumberAttribute()
    interview = UnicodeAttribute()
    author = UnicodeAttribute()
    ratings: MapAttribute[str, Any] = MapAttribute()
    recommendation = UnicodeAttribute()
    notes = UnicodeAttribute(null=True)
    submitted_at = UnicodeAttribute()


class ConsentItem(CandidatesTableItem, discriminator="consent"):
    """pk CAND#<cid>, sk CONSENT#<at>: consent recorded by staff (the person asked by
    e-mail, withdrew it, gave it on a call). The latest record wins over the consent
    given with an application; each keeps its time, policy version and who recorded it."""

    processing = BooleanAttribute()
    retention = BooleanAttribute()
    marketing = BooleanAttribute()
    policy_version = UnicodeAttribute()
    source = UnicodeAttribute()  # how it was given: email | call | in_person | letter | form
    recorded_by = UnicodeAttribute()
    recorded_at = UnicodeAttribute()


class PrivacyAuditItem(CandidatesTableItem, discriminator="privacy_audit"):
    """pk PRIVACY#<cid>, sk ERASURE or ANONYMISED: what happened to a person's data.

    Ids, times and counts only: after an erasure nothing here names the person.
    An erasure request is ``queued`` -> ``running`` -> ``done``; redelivery or a second
    request finds the record and finishes the same work.
    """

    candidate_id = UnicodeAttribute()
    action = UnicodeAttribute()  # erasure | anonymisation
    status = UnicodeAttribute()  # queued | running | done
    requested_by = UnicodeAttribute()  # a user id, or "retention"
    requested_at = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)  # a code: request | retention
    completed_at = UnicodeAttribute(null=True)
    # {"items": {"<type>": n}, "objects": n, "suppressed": n}
    counts: MapAttribute[str, Any] = MapAttribute(null=True)
    attempts = NumberAttribute(default=0)


class PoolItem(CandidatesTableItem, discriminator="pool"):
    """pk POOL#<pool id>, sk POOL; gsi2 POOLS / <name>#<pool id> lists them by name."""

    pool_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()


class MembershipItem(CandidatesTableItem, discriminator="membership"):
    """pk CAND#<cid>, sk POOL#<pool id>; gsi1 POOL#<pool id> / <added_at>#<cid>.

    Under the person, so it stays when a prospect applies (same candidate id).
    """

    pool_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    added_by = UnicodeAttribute()
    added_at = UnicodeAttribute()


# --- tasks table ---------------------------------------------------------------


class _ByAssignee(GlobalSecondaryIndex["TaskItem"]):
    class Meta:
        index_name = wiring.TASKS.indexes[0].name
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _BySubject(GlobalSecondaryIndex["TaskItem"]):
    class Meta:
        index_name = wiring.TASKS.indexes[1].name
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class _ByDueDay(GlobalSecondaryIndex["TaskItem"]):
    class Meta:
        index_name = wiring.TASKS.indexes[2].name
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class TaskItem(Model):
    """pk TASK#<id>, sk TASK.

    gsi1 USER#<assignee>#<status> / <due_at or 9999>#<id>; gsi2 CAND#<cid> or
    JOB#<job> / <created_at>#<id>; gsi3 DUE#<yyyy-mm-dd> / <due_at>#<id> while open.
    """

    class Meta:
        table_name = "tasks"
        region: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    by_assignee = _ByAssignee()
    by_subject = _BySubject()
    by_due_day = _ByDueDay()
    task_id = UnicodeAttribute()
    title = UnicodeAttribute()
    notes = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # open | done
    assignee_id = UnicodeAttribute()
    due_at = UnicodeAttribute(null=True)
    candidate_id = UnicodeAttribute(null=True)
    job_id = NumberAttribute(null=True)
    application_id = UnicodeAttribute(null=True)
    origin = UnicodeAttribute()  # manual | mention | automation
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    completed_at = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)


# --- search table --------------------------------------------------------------


class SearchTableItem(Model):
    class Meta:
        table_name = "search"
        region: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    # Facets, on the document and on every posting, so a keyword Query can
    # filter without reading the documents.
    location = UnicodeAttribute(null=True)  # lower case
    years_experience = NumberAttribute(default=0)
    education_rank = NumberAttribute(default=0)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    pools = ListAttribute(of=UnicodeAttribute, default=list)
    stages = ListAttribute(of=UnicodeAttribute, default=list)


class SearchDocItem(SearchTableItem, discriminator="doc"):
    """pk DOC#<cid>, sk DOC: what a result shows, and the terms last indexed."""

    candidate_id = UnicodeAttribute()
    name = UnicodeAttribute()
    location_display = UnicodeAttribute(null=True)
    education_level = UnicodeAttribute()
    terms = ListAttribute(of=UnicodeAttribute, default=list)


class TermItem(SearchTableItem, discriminator="term"):
    """pk TERM#<term>, sk CAND#<cid>: one posting per keyword per person."""

    candidate_id = UnicodeAttribute()


# --- outreach table ----------------------------------------------------------------


class _ByDue(GlobalSecondaryIndex["OutreachTableItem"]):
    class Meta:
        index_name = wiring.OUTREACH_TABLE.indexes[0].name
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _ByPerson(GlobalSecondaryIndex["OutreachTableItem"]):
    class Meta:
        index_name = wiring.OUTREACH_TABLE.indexes[1].name
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class OutreachTableItem(Model):
    class Meta:
        table_name = "outreach"
        region: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_due = _ByDue()
    by_person = _ByPerson()


class SequenceItem(OutreachTableItem, discriminator="sequence"):
    """pk SEQ#<id>, sk SEQ; gsi1 SEQUENCES / <created_at>#<id> lists them."""

    sequence_id = UnicodeAttribute()
    body = JSONAttribute()  # the Sequence model as JSON: steps, window, cap, sender
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()


class EnrolmentItem(OutreachTableItem, discriminator="enrolment"):
    """pk SEQ#<id>, sk ENROL#<cid>: one per person per sequence (enrolling twice is a no-op).

    While active, gsi1 DUE#<yyyy-mm-dd> / <due_at>#<seq>#<cid> puts it where the
    sweep finds it on the day its next step falls due; gsi2 PERSON#<cid> /
    SEQ#<id> finds a person's enrolments (stop on apply, on reply, on unsubscribe).
    """

    sequence_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    status = UnicodeAttribute()  # active | finished | stopped
    step = NumberAttribute(default=0)  # the next step to send
    due_at = UnicodeAttribute(null=True)
    time_zone = UnicodeAttribute()
    enrolled_by = UnicodeAttribute()
    enrolled_at = UnicodeAttribute()
    stop_reason = UnicodeAttribute(null=True)  # unsubscribed | suppressed | applied | replied | ...
    updated_at = UnicodeAttribute()


class SendItem(OutreachTableItem, discriminator="send"):
    """pk SEND#<seq>#<cid>#<step>, sk SEND: the ledger that makes every step send once.

    ``sending`` is claimed before SES is called; ``sent`` after it accepted.
    A claim found still ``sending`` means an earlier attempt may have reached
    SES: it becomes ``unknown`` and is never sent again.
    """

    sequence_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    step = NumberAttribute()
    status = UnicodeAttribute()  # sending | sent | rejected | unknown
    message_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    claimed_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class SuppressionItem(OutreachTableItem, discriminator="suppression"):
    """pk SUPPRESS#<HMAC-SHA256 of the normalised address>, sk SUPPRESS: never mail it again."""

    reason = UnicodeAttribute()  # unsubscribed | bounce | complaint | erased
    at = UnicodeAttribute()


class SurveyItem(OutreachTableItem, discriminator="survey"):
    """pk SURVEY#<app id>, sk SURVEY: the experience survey after a hire or a rejection.

    While scheduled, gsi1 DUE#<yyyy-mm-dd> / <due_at>#SURVEY#<app> puts it in the
    sweep beside the due outreach steps.
    """

    application_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    job_id = NumberAttribute()
    department = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute()  # hired | rejected
    status = UnicodeAttribute()  # scheduled | sending | sent | skipped | unknown
    due_at = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


class SurveyedItem(OutreachTableItem, discriminator="surveyed"):
    """pk SURVEYED#<cid>, sk SURVEYED: when a person was last surveyed (one in 6 months)."""

    last_sent_at = UnicodeAttribute()


class AnswerItem(OutreachTableItem, discriminator="answer"):
    """pk ANSWER#<app id>, sk ANSWER: a survey's answers, recorded once.

    gsi1 SURVEYDEPT#<department> and gsi2 SURVEYJOB#<job>, by answer time, for
    the aggregates; the item holds no name or address.
    """

    application_id = UnicodeAttribute()
    job_id = NumberAttribute()
    department = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute()
    nps = NumberAttribute()
    went_well = UnicodeAttribute(null=True)
    do_better = UnicodeAttribute(null=True)
    at = UnicodeAttribute()


class SendCountItem(OutreachTableItem, discriminator="send_count"):
    """pk COUNT#<sender>#<yyyy-mm-dd>, sk COUNT: a sender's sends that day (daily cap)."""

    sent = NumberAttribute(default=0)


# --- self-identification table ---------------------------------------------


class SelfIdentificationItem(Model):
    """pk JOB#<job>, sk APP#<app id>: answers kept apart, reported only in aggregate."""

    class Meta:
        table_name = "self_identification"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    answers: MapAttribute[str, Any] = MapAttribute()
    recorded_at = UnicodeAttribute()


# --- schedule table ------------------------------------------------------------


class _ScheduleDue(GlobalSecondaryIndex["ScheduleTableItem"]):
    class Meta:
        index_name = wiring.SCHEDULE.indexes[0].name
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ScheduleTableItem(Model):
    class Meta:
        table_name = "schedule"
        region: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_due = _ScheduleDue()


class InterviewItem(ScheduleTableItem, discriminator="interview"):
    """pk APP#<app>, sk INTERVIEW#<id>: one interview of one application.

    ``sequence`` is the iCalendar SEQUENCE: it grows with every change people must
    see in their calendars (a new time or place, a cancellation)."""

    interview_id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    job_id = NumberAttribute()
    title = UnicodeAttribute()
    starts_at = UnicodeAttribute()  # UTC
    ends_at = UnicodeAttribute()  # UTC
    time_zone = UnicodeAttribute()  # the organiser's, for the candidate's e-mail
    location = UnicodeAttribute(null=True)
    video_url = UnicodeAttribute(null=True)
    interviewers = ListAttribute(default=list)  # type: ignore[var-annotated]  # user ids
    kit = ListAttribute(default=list)  # type: ignore[var-annotated]  # attributes to rate
    status = UnicodeAttribute()  # scheduled | cancelled
    sequence = NumberAttribute(default=0)
    organiser = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class NoticeItem(ScheduleTableItem, discriminator="notice"):
    """pk APP#<app>, sk NOTICE#<interview>#<kind>#<recipient>: one e-mail to one person
    about one interview (an invitation, an update or cancellation, a reminder, a
    scorecard chaser), sent once. gsi1 DUE#<yyyy-mm-dd> / <due_at>#<sk> until settled."""

    interview_id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # invite | reminder_24h | reminder_1h | chaser
    recipient = UnicodeAttribute()  # a staff user id, or "candidate"
    method = UnicodeAttribute(null=True)  # invite: REQUEST | CANCEL
    sequence = NumberAttribute()  # the interview's sequence it was written for
    due_at = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | sending | sent | skipped | unknown
    reason = UnicodeAttribute(null=True)
    claimed_at = UnicodeAttribute(null=True)
    settled_at = UnicodeAttribute(null=True)


class ReminderLedgerItem(ScheduleTableItem, discriminator="reminder"):
    """pk TASK#<id> / sk OVERDUE#<due_at>, or pk APP#<app> / sk STALE#<last activity>:
    a reminder about work kept elsewhere (a task, an application), sent once."""

    kind = UnicodeAttribute()  # task_overdue | stale
    recipient = UnicodeAttribute()
    status = UnicodeAttribute()  # sending | sent | skipped | unknown
    reason = UnicodeAttribute(null=True)
    claimed_at = UnicodeAttribute()
    settled_at = UnicodeAttribute(null=True)


class SweepItem(ScheduleTableItem, discriminator="sweep"):
    """pk SWEEP, sk CURSOR: how far the reminders sweep has looked for overdue tasks and
    stale applications (each later sweep reads only what fell due since)."""

    swept_until = UnicodeAttribute()


class StaffItem(ScheduleTableItem, discriminator="staff"):
    """pk USER#<id>, sk PROFILE: where and when to reach a member of staff."""

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    updated_at = UnicodeAttribute()


# --- reports table ---------------------------------------------------------------


class _ReportsDue(GlobalSecondaryIndex["ReportsTableItem"]):
    class Meta:
        index_name = wiring.REPORTS_TABLE.indexes[0].name
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _ReportsOwner(GlobalSecondaryIndex["ReportsTableItem"]):
    class Meta:
        index_name = wiring.REPORTS_TABLE.indexes[1].name
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class ReportsTableItem(Model):
    class Meta:
        table_name = "reports"
        region: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_due = _ReportsDue()
    by_owner = _ReportsOwner()


class ReportRunItem(ReportsTableItem, discriminator="run"):
    """pk RUN#<id>, sk RUN: one report built once; gsi2 OWNER#<user> / <created_at>#RUN#<id>."""

    run_id = UnicodeAttribute()
    request = JSONAttribute()  # the ReportRequest, by alias
    owner = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute()  # queued | running | done | failed
    error = UnicodeAttribute(null=True)
    csv_key = UnicodeAttribute(null=True)
    pdf_key = UnicodeAttribute(null=True)
    rows = NumberAttribute(null=True)
    subscription_id = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)  # a subscription's recipient
    created_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)


class SubscriptionItem(ReportsTableItem, discriminator="subscription"):
    """pk SUB#<id>, sk SUB; gsi1 DUE#<yyyy-mm-dd> / <next_run_at>#<id>;
    gsi2 OWNER#<user> / <created_at>#SUB#<id>."""

    subscription_id = UnicodeAttribute()
    body = JSONAttribute()  # the SubscriptionRequest
    owner = UnicodeAttribute()
    role = UnicodeAttribute()
    email = UnicodeAttribute()
    next_run_at = UnicodeAttribute()
    last_run_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


_BASES: dict[str, type[Model]] = {
    "jobs": JobsTableItem,
    "candidates": CandidatesTableItem,
    "self_identification": SelfIdentificationItem,
    "tasks": TaskItem,
    "search": SearchTableItem,
    "outreach": OutreachTableItem,
    "schedule": ScheduleTableItem,
    "reports": ReportsTableItem,
}
_SUBCLASSES: dict[str, tuple[type[Model], ...]] = {
    "jobs": (BoardItem, JobItem, PostingItem, CounterItem, SourceItem),
    "candidates": (
        CandidateItem,
        IdentityItem,
        ContactPointItem,
        MergeItem,
        ApplicationItem,
        ApplyMarkerItem,
        StageChangeItem,
        NoteItem,
        ScorecardItem,
        PoolItem,
        MembershipItem,
        ParsedResumeItem,
        ParseStateItem,
        ImportFileItem,
        ImportSummaryItem,
        InteractionItem,
        ConsentItem,
        PrivacyAuditItem,
    ),
    "self_identification": (),
    "tasks": (),
    "search": (SearchDocItem, TermItem),
    "outreach": (
        SequenceItem,
        EnrolmentItem,
        SendItem,
        SuppressionItem,
        SendCountItem,
        SurveyItem,
        SurveyedItem,
        AnswerItem,
    ),
    "schedule": (InterviewItem, NoticeItem, ReminderLedgerItem, StaffItem, SweepItem),
    "reports": (ReportRunItem, SubscriptionItem),
}


def point_at(
    classes: Iterable[type[Model]], table_name: str, region: str, host: str | None = None
) -> None:
    """Point item classes at a physical table (and endpoint, for moto)."""
    for cls in classes:
        meta: Any = cls.Meta
        meta.table_name = table_name
        meta.region = region
        meta.host = host
        cls._connection = None


def bind_tables(names: dict[str, str], region: str, host: str | None = None) -> None:
    """Point every item class at its physical table (and endpoint, for moto)."""
    for key, base in _BASES.items():
        if key not in names:
            continue  # a function binds only the tables it may touch
        point_at((base, *_SUBCLASSES[key]), names[key], region, host)
    if "webhooks" in names:
        # The webhooks table's items live beside their repository (loaded only here).
        from recruiting.storage.webhooks import bind

        bind(names["webhooks"], region, host)
