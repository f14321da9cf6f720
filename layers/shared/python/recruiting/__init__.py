"""The recruiting platform's shared package (shipped as a Lambda layer).

Business rules live here and know nothing about Lambda events:

- ``config``: settings read from the environment, once, as a pydantic model.
- ``wiring``: the one declaration of functions, triggers and resources.
- ``models``: the domain's pydantic models (jobs, applications, receipts).
- ``storage``: DynamoDB (PynamoDB), S3 and EventBridge behind repositories.
- ``intake``: careers-site application intake (forms, files, contacts, service).
- ``demo``: the demo organisation that ``make run`` seeds.

The request, response and domain models (here and in the functions) are declared
with ``defer_build=True``: each builds its validator at first use, so a cold start
pays only for the models its request touches (``tests/unit/test_cold_imports.py``).
"""

import logging as _logging

# Libraries that log whole requests and responses at DEBUG (item keys and attributes,
# e-mail addresses, resume text) stay quiet whatever level a function runs at: logs
# carry ids, never personal data.
# Powertools' own debug lines carry route arguments (a searched name) and payloads.
for _name in (
    "pynamodb",
    "botocore",
    "boto3",
    "urllib3",
    "s3transfer",
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities",
):
    _logging.getLogger(_name).setLevel(_logging.WARNING)
