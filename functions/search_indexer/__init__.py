"""The search indexer: follows people's changes from the event bus (via SQS)."""
