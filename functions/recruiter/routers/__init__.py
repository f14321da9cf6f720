"""One router per resource: jobs, and candidates with their applications."""
