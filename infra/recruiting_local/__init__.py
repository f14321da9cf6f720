"""The local runner: the stack's resources on an embedded moto server, the
real handlers behind an HTTP server that speaks API Gateway's event format,
and pumps for S3 notifications, queues and schedules.

Built from ``recruiting.wiring``, like the CDK stack, so the two cannot drift.
"""
