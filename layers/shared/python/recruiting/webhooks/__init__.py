"""Outbound webhooks: admins register HTTPS endpoints for chosen event types; every domain
event on the bus is fanned out to the endpoints subscribed to it and sent, signed as the
Standard Webhooks specification says, retried with backoff for about a day, each attempt
logged; an endpoint that keeps failing is disabled and its admin alerted.

- ``signing``: secrets (``whsec_...``) and ``webhook-signature`` values.
- ``urls``: which URLs may be called (https, no credentials, public addresses only).
- ``transport``: one POST to the checked address, with the hostname kept for TLS.
- ``service``: the admin API (register, list, change, rotate, deliveries, redeliver).
- ``delivery``: the webhooks function's work (fan-out, attempts, retries, disabling).

See docs/webhooks.md.
"""
