"""Interviews: scheduling with calendar invitations, and the reminders about them."""
