"""The domain's pydantic models: what a job, an application and a receipt are."""
