"""Careers-site application intake.

- ``forms``: reads JSON, multipart and urlencoded bodies into one nested shape.
- ``documents``: checks resumes and cover letters by content (PDF, DOCX, TXT).
- ``contact``: phone numbers to E.164.
- ``greenhouse``: the Greenhouse Job Board API's shapes, both ways.
- ``service``: the rules: who is applying to what, dedupe, atomic write, event.
"""
