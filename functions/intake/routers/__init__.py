"""One router per resource: jobs, applications, and the Greenhouse-compatible board API."""
