"""Words to index and to search for, the same way on both sides."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:\.[a-z0-9]+)*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "was",
        "we",
        "with",
        "you",
        "your",
        "my",
        "me",
        "this",
        "that",
        "will",
    ]
)
MAX_TERMS = 3000


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def terms(text: str) -> list[str]:
    """Distinct index terms in first-seen order: lower case, accents folded,
    stop words dropped; keeps c++, c#, node.js and similar whole."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(_fold(text)):
        token = token.rstrip(".")
        if len(token) < 2 and token not in {"c", "r"}:
            continue
        if token in STOPWORDS or len(token) > 40:
            continue
        seen.setdefault(token, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)
