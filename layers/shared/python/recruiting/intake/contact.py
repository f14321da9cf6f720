"""Phone numbers: E.164 where the number can be understood, as typed otherwise."""

from __future__ import annotations

import re

_ALLOWED = re.compile(r"^[0-9+().\-\s/]*(?:(?:ext\.?|x|#)\s*[0-9]{1,6})?$", re.IGNORECASE)


class PhoneRejected(ValueError):
    pass


def normalise_phone(raw: str, default_region: str) -> str | None:
    """E.164 for a valid number; None when it is plausible but not understood.

    Raises ``PhoneRejected`` for text that cannot be a phone number at all.
    """
    digits = re.sub(r"\D", "", raw)
    if not _ALLOWED.match(raw) or not 4 <= len(digits) <= 20:
        raise PhoneRejected("is not a phone number (digits, spaces, + ( ) - . and an extension)")
    # Imported on first use: the metadata costs cold start for every request.
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
