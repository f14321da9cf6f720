"""Recruiting CRM outreach: sequences of e-mails to prospects, sent once each,
inside the recipient's send window, never to anyone who unsubscribed."""
