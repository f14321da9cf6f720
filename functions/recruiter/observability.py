"""The function's Logger and Metrics, shared by the handler and its routers."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
