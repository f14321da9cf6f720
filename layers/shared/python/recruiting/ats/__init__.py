"""The applicant tracking system as recruiters use it: jobs and their
pipelines, applications and their stage moves, candidate profiles.

Every service call takes the ``Principal`` making it and checks their role
first; nothing is read for someone who may not see it.
"""
