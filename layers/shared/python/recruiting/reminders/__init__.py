"""Reminders: interview notices, scorecard chasers, overdue tasks, stale candidates."""
