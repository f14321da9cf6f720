"""The recruiting platform's shared package (shipped as a Lambda layer).

Business rules live here and know nothing about Lambda events:

- ``config``: settings read from the environment, once, as a pydantic model.
- ``wiring``: the one declaration of functions, triggers and resources.
- ``models``: the domain's pydantic models (jobs, applications, receipts).
- ``storage``: DynamoDB (PynamoDB), S3 and EventBridge behind repositories.
- ``intake``: careers-site application intake (forms, files, contacts, service).
- ``demo``: the demo organisation that ``make run`` seeds.
"""
