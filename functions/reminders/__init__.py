"""The reminders function."""
