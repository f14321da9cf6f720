"""Candidate search: keywords (resume text, skills, titles, names) with filters
(location, years of experience, education level, pool, tag, stage).

``SearchIndex`` is the seam: ``DynamoSearchIndex`` answers from an inverted
index in DynamoDB (a posting per keyword per person, a document per person
with the facets), read only by key. Beyond its scale (see docs/search.md) an
``OpenSearch`` implementation of the same protocol replaces it; nothing else
changes.
"""
