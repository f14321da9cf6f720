"""Request bodies to one nested shape, whatever the careers site sent.

JSON objects pass through. Multipart and urlencoded forms use the bracket
convention Rails, Rack and PHP share (``educations[][start_date][month]``,
``question_12[]``), which is what Greenhouse-style careers sites send; file
parts become ``UploadedPart``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError

from recruiting.errors import (
    FieldError,
    MalformedRequest,
    UnsupportedMediaType,
    ValidationFailed,
)

__all__ = ["UnsupportedMediaType", "UploadedPart", "nest", "read_body"]


@dataclass(frozen=True)
class UploadedPart:
    """A file part of a multipart body."""

    filename: str
    content_type: str | None
    data: bytes


_TOKEN = re.compile(r"\[([^\[\]]*)\]")
MAX_PARTS = 300


def _tokens(name: str) -> list[str]:
    head, bracket, rest = name.partition("[")
    if not head:
        raise MalformedRequest(f"form field name {name!r} has no name before '['")
    tokens = [head]
    if bracket:
        tail = "[" + rest
        parts = _TOKEN.findall(tail)
        if "".join(f"[{p}]" for p in parts) != tail:
            raise MalformedRequest(f"form field name {name!r} has unbalanced brackets")
        tokens.extend(parts)
    return tokens


def _has_path(container: Any, path: list[str]) -> bool:
    if "" in path:  # Rack: a nested array always merges into the last hash
        return False
    for token in path:
        if not isinstance(container, dict) or token not in container:
            return False
        container = container[token]
    return True


def _assign(container: dict[str, Any], tokens: list[str], value: Any, name: str) -> None:
    key, rest = tokens[0], tokens[1:]
    if not rest:
        if key not in container:
            container[key] = value
            return
        previous = container[key]
        if isinstance(previous, dict):
            raise MalformedRequest(f"form field {name!r} mixes an object with a single value")
        # A plain name given twice: keep every value, in order.
        container[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        return
    if rest[0] == "":
        items = container.setdefault(key, [])
        if not isinstance(items, list):
            raise MalformedRequest(f"form field {name!r} mixes a list with a single value")
        child = rest[1:]
        if not child:
            items.append(value)
            return
        if items and isinstance(items[-1], dict) and not _has_path(items[-1], child):
            _assign(items[-1], child, value, name)
        else:
            fresh: dict[str, Any] = {}
            _assign(fresh, child, value, name)
            items.append(fresh)
        return
    nested = container.setdefault(key, {})
    if not isinstance(nested, dict):
        raise MalformedRequest(f"form field {name!r} mixes an object with a single value")
    _assign(nested, rest, value, name)


def nest(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Bracketed form names to nested dicts and lists (Rack's rules)."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        _assign(root, _tokens(name), value, name)
    return root


def _boundary(content_type: str) -> str:
    import multipart

    _, options = multipart.parse_options_header(content_type)
    boundary = options.get("boundary")
    if not boundary:
        raise MalformedRequest("multipart/form-data without a boundary")
    return str(boundary)


def _multipart_pairs(body: bytes, content_type: str, max_part_bytes: int) -> list[tuple[str, Any]]:
    import multipart  # only multipart requests pay for the parser

    parser = multipart.MultipartParser(
        io.BytesIO(body),
        _boundary(content_type),
        content_length=len(body),
        part_limit=MAX_PARTS,
        partsize_limit=max_part_bytes,
        memfile_limit=max_part_bytes,
        memory_limit=max_part_bytes * 3,
    )
    pairs: list[tuple[str, Any]] = []
    try:
        for part in parser:
            if part.filename is not None:
                pairs.append(
                    (
                        part.name,
                        UploadedPart(part.filename, part.content_type or None, part.raw),
                    )
                )
            else:
                pairs.append((part.name, part.value))
    except multipart.ParserLimitReached as exc:
        raise MalformedRequest(f"multipart body over its limits: {exc}") from exc
    except multipart.MultipartError as exc:
        raise MalformedRequest(f"multipart body could not be read: {exc}") from exc
    return pairs


def read_body(content_type: str | None, body: bytes, max_part_bytes: int) -> dict[str, Any]:
    """The request body as a dict, or a 400/415 that says why not."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            data = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedRequest(f"body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise MalformedRequest("body must be a JSON object")
        return data
    if media_type == "multipart/form-data":
        return nest(_multipart_pairs(body, content_type or "", max_part_bytes))
    if media_type == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedRequest("form body is not UTF-8") from exc
        return nest(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_PARTS))
    raise UnsupportedMediaType(
        "send application/json, multipart/form-data or application/x-www-form-urlencoded"
    )


def field_errors(
    exc: ValidationError, names: Callable[[str], str] | None = None
) -> ValidationFailed:
    """Pydantic's errors as field/rule/message triples, one per broken rule."""
    errors = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(p) for p in error["loc"]) or "body"
        if names is not None:
            path = names(path)
        rule = "unknown_field" if error["type"] == "extra_forbidden" else error["type"]
        message = "is not a field of this form" if rule == "unknown_field" else error["msg"]
        errors.append(FieldError(path, rule, message))
    return ValidationFailed(errors)


def _attachment_from_form(data: dict[str, Any], purpose: str) -> None:
    """Multipart spellings of a file (``resume`` part, ``resume_text``,
    ``resume_upload_id``) to the JSON shape ``{"resume": {...}}``."""
    value = data.get(purpose)
    if isinstance(value, UploadedPart):
        data[purpose] = {
            "filename": value.filename,
            "data": value.data,
            "content_type": value.content_type,
        }
    for suffix, key in (("_text", "text"), ("_upload_id", "upload_id")):
        if f"{purpose}{suffix}" in data:
            extra = data.pop(f"{purpose}{suffix}")
            if purpose in data:
                raise ValidationFailed(
                    [
                        FieldError(
                            purpose, "one_source", f"send {purpose} or {purpose}{suffix}, not both"
                        )
                    ]
                )
            data[purpose] = {key: extra}


def native_application(data: dict[str, Any]) -> dict[str, Any]:
    """The native route's body (JSON or form) in ``ApplicationForm``'s shape."""
    shaped = dict(data)
    for purpose in ("resume", "cover_letter"):
        _attachment_from_form(shaped, purpose)
    links = shaped.get("links")
    if isinstance(links, str):
        shaped["links"] = [links]
    for key, value in list(shaped.items()):
        if isinstance(value, UploadedPart):
            raise ValidationFailed([FieldError(key, "unexpected_file", "is not a file field")])
    return shaped
