"""Entry point of the search indexer (SQS batches of EventBridge events).

Each message names a person; the indexer rebuilds their search document from
their partition. Rebuilding is idempotent, so a redelivered message is
harmless; a failing message is reported alone (partial batch response) and
ends in the dead-letter queue after the queue's retries.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from recruiting.config import Settings
from recruiting.search.index import DynamoSearchIndex
from recruiting.search.service import SearchIndexer
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import bind_tables

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)
_indexer: SearchIndexer | None = None


def indexer() -> SearchIndexer:
    global _indexer
    if _indexer is None:
        settings = Settings.from_env()
        bind_tables(settings.table_names, region=settings.region)
        _indexer = SearchIndexer(
            ApplicationRepository(), ResumeStore(settings.resume_bucket), DynamoSearchIndex()
        )
    return _indexer


def use(replacement: SearchIndexer | None) -> None:
    global _indexer
    _indexer = replacement


def record_handler(record: SQSRecord) -> None:
    event = json.loads(record.body)
    detail_type = event.get("detail-type", "")
    logger.info("indexing", extra={"detail_type": detail_type, "message_id": record.message_id})
    indexer().handle(detail_type, event.get("detail") or {})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
