"""The webhooks function: fans domain events out to registered endpoints and sends them."""
