"""The report-exports function."""
