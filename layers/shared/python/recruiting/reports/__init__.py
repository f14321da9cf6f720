"""Recruiting analytics: metrics over the stage history, as CSV and PDF."""
