"""AWS list prices the cost model uses: us-east-1, on-demand, no free tier.

Taken from the public pricing pages (aws.amazon.com/<service>/pricing) as of
November 2026; change them here when AWS does. Each is in US dollars.
"""

from __future__ import annotations

MILLION = 1_000_000

# Lambda, arm64 (Graviton): per GB-second of billed duration (the first pricing
# tier, 6 billion GB-s a month) and per request. INIT is billed too (since
# August 2025, for on-demand functions of managed runtimes).
LAMBDA_ARM_GB_SECOND = 0.0000133334
LAMBDA_REQUEST = 0.20 / MILLION
# DynamoDB on-demand, standard table class (after the November 2024 cut).
DYNAMODB_WRITE_UNIT = 0.625 / MILLION
DYNAMODB_READ_UNIT = 0.125 / MILLION
DYNAMODB_GB_MONTH = 0.25
# S3 Standard.
S3_PUT_CLASS = 0.005 / 1000
S3_GET_CLASS = 0.0004 / 1000
S3_GB_MONTH = 0.023
# SES outbound: per message and per GB of messages (attachments included).
SES_MESSAGE = 0.10 / 1000
SES_GB = 0.12
# API Gateway REST API (a WAF needs REST), the first 333 million requests.
API_GATEWAY_REQUEST = 3.50 / MILLION
# AWS WAF: per request inspected (the web ACL and rules are monthly).
WAF_REQUEST = 0.60 / MILLION
# SQS standard queues, per request of up to 64 KB.
SQS_REQUEST = 0.40 / MILLION
# EventBridge custom events (per 64 KB) and EventBridge Scheduler invocations.
EVENTBRIDGE_EVENT = 1.00 / MILLION
SCHEDULER_INVOCATION = 1.00 / MILLION
# Secrets Manager and KMS API calls.
SECRETS_MANAGER_CALL = 0.05 / 10_000
KMS_REQUEST = 0.03 / 10_000
