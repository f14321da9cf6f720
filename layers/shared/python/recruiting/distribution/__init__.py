"""Job distribution: what open jobs look like to search engines and job boards.

schema.org ``JobPosting`` JSON-LD (Google for Jobs), an XML feed in the format
Indeed and the other large aggregators read, and a JSON Feed 1.1; plus the one
function that builds a job's public URL (``urls.job_url``). See docs/distribution.md.

Nothing is imported here: each module loads when it is first used.
"""
