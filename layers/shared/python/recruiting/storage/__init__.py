"""Persistence behind repositories: DynamoDB through PynamoDB, S3, EventBridge.

Services talk to ``JobRepository``, ``CandidateRepository``, ``ResumeStore``
and ``EventPublisher``; nothing else in the package touches boto3 or PynamoDB.
The key design (which item lives under which key, and every index) is written
down in docs/access-patterns.md.
"""


def lost_race(exc: Exception) -> bool:
    """A conditional write or transaction lost: someone else changed the item first
    (rather than DynamoDB failing, which callers re-raise)."""
    code = getattr(exc, "cause_response_code", "")
    return code in ("ConditionalCheckFailedException", "TransactionCanceledException")
