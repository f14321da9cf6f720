"""The recruiter function: the authenticated ATS API."""
