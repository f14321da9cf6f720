"""What AWS would bill for the calls a run makes: counted at botocore's door.

Every AWS API call of every client (boto3, PynamoDB and Powertools alike) goes
through ``BaseClient._make_api_call``; the meter wraps it and records, per phase
and function:

- each call, by ``service.Operation``;
- DynamoDB read and write request units. Every request asks for
  ``ReturnConsumedCapacity=TOTAL`` and the answer is kept (``reported``), but moto
  answers with a flat 0.5 or 1 unit per call, so the units priced are modelled from
  the items themselves by DynamoDB's published rules (``rru`` and ``wru``): 4 KB per
  read unit, halved for eventually consistent reads, summed over a page for Query
  and Scan; 1 KB per write unit, the larger of the item before and after; doubled
  in transactions, condition checks included; one more write per global secondary
  index the item is (or was) in, two when its index key changes. The model reads
  items before and after a write with calls it does not count;
- S3 requests by price class, bytes stored, SES messages and their bytes,
  EventBridge events (64 KB chunks) and SQS requests.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any

import botocore.client

READ_OPERATIONS = ("GetItem", "BatchGetItem", "TransactGetItems", "Query", "Scan")
WRITE_OPERATIONS = (
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
)
# Priced as PUT, COPY, POST or LIST requests; other S3 reads as GET; deletes are free.
S3_PUT_CLASS = {
    "PutObject",
    "CopyObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "ListObjects",
    "ListObjectsV2",
    "ListObjectVersions",
    "PutObjectTagging",
}
S3_FREE = {"DeleteObject", "DeleteObjects", "AbortMultipartUpload"}
CHUNK = 64 * 1024  # EventBridge and SQS bill per 64 KB of payload


def value_size(value: dict[str, Any]) -> int:
    """Bytes of one attribute value as DynamoDB sizes it."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = len(inner.lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in inner)
    if kind == "SS":
        return sum(len(v.encode()) for v in inner)
    if kind == "NS":
        return sum(value_size({"N": v}) for v in inner)
    return sum(len(v) for v in inner)  # BS


def item_size(item: dict[str, Any] | None) -> int:
    """Bytes of an item: attribute names and values."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def rru(size: int, consistent: bool) -> float:
    """Read request units for reading ``size`` bytes."""
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)


def wru(size: int) -> float:
    """Write request units for writing an item of ``size`` bytes."""
    return float(max(1, math.ceil(size / 1024)))


@dataclass
class Usage:
    """Billable work of one function in one phase."""

    calls: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    reported_units: float = 0.0  # what moto said (flat per call)
    s3_put_class: int = 0
    s3_get_class: int = 0
    s3_bytes_stored: int = 0
    ses_messages: int = 0
    ses_bytes: int = 0
    events: int = 0
    sqs_requests: int = 0
    sqs_messages_sent: int = 0
    aws_seconds: float = 0.0

    def add(self, other: Usage) -> None:
        self.calls.update(other.calls)
        for name in (f.name for f in fields(self) if f.name != "calls"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]
    projection: str
    included: tuple[str, ...]


class Meter:
    """Wraps botocore while active; ``phase`` and ``function`` say whom to charge."""

    def __init__(self) -> None:
        self.usage: dict[tuple[str, str], Usage] = defaultdict(Usage)
        self.phase = "setup"
        self.function = "setup"
        self.paused = False
        # Seconds spent on the model's own reads, which the invoker takes off durations.
        self.overhead = 0.0
        self._tables: dict[str, tuple[tuple[str, ...], list[Index]]] = {}

    def total(self, phase: str | None = None, function: str | None = None) -> Usage:
        found = Usage()
        for (p, f), usage in self.usage.items():
            if (phase is None or p == phase) and (function is None or f == function):
                found.add(usage)
        return found

    @contextmanager
    def charging(self, phase: str, function: str) -> Iterator[None]:
        before = (self.phase, self.function)
        self.phase, self.function = phase, function
        try:
            yield
        finally:
            self.phase, self.function = before

    @contextmanager
    def pause(self) -> Iterator[None]:
        before, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = before

    @contextmanager
    def active(self) -> Iterator[Meter]:
        client_class: Any = botocore.client.BaseClient
        original = client_class._make_api_call
        meter = self

        def metered(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if meter.paused:
                return original(client, operation, params)
            service = client.meta.service_model.service_name
            usage = meter.usage[(meter.phase, meter.function)]
            usage.calls[f"{service}.{operation}"] += 1

            def raw(op: str, args: dict[str, Any]) -> Any:
                return original(client, op, args)

            started = time.perf_counter()
            if service == "dynamodb" and operation in (*READ_OPERATIONS, *WRITE_OPERATIONS):
                response = meter._dynamodb(raw, usage, operation, params)
            else:
                if service == "s3" and operation == "PutObject":
                    # Before the call: botocore wraps the body in a stream it reads.
                    usage.s3_bytes_stored += _length(params.get("Body", b""))
                response = original(client, operation, params)
                meter._other(usage, service, operation, params)
            usage.aws_seconds += time.perf_counter() - started
            return response

        client_class._make_api_call = metered
        try:
            yield self
        finally:
            client_class._make_api_call = original

    # DynamoDB

    def _schema(self, raw: Any, table: str) -> tuple[tuple[str, ...], list[Index]]:
        if table not in self._tables:
            started = time.perf_counter()
            described = raw("DescribeTable", {"TableName": table})["Table"]
            keys = tuple(k["AttributeName"] for k in described["KeySchema"])
            indexes = [
                Index(
                    index["IndexName"],
                    tuple(k["AttributeName"] for k in index["KeySchema"]),
                    index["Projection"]["ProjectionType"],
                    tuple(index["Projection"].get("NonKeyAttributes", ())),
                )
                for index in described.get("GlobalSecondaryIndexes", [])
            ]
            self._tables[table] = (keys, indexes)
            self.overhead += time.perf_counter() - started
        return self._tables[table]

    def _item(self, raw: Any, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        return self._items(raw, [(table, key)])[0]

    def _items(
        self, raw: Any, keys: list[tuple[str, dict[str, Any]]]
    ) -> list[dict[str, Any] | None]:
        """The items at ``keys`` now (None where there is none), read uncounted."""
        started = time.perf_counter()
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for start in range(0, len(keys), 100):
            request: dict[str, Any] = {}
            for table, key in keys[start : start + 100]:
                entry = request.setdefault(table, {"Keys": [], "ConsistentRead": True})
                if key not in entry["Keys"]:
                    entry["Keys"].append(key)
            while request:
                answer = raw("BatchGetItem", {"RequestItems": request})
                for table, items in answer.get("Responses", {}).items():
                    table_keys, _ = self._schema(raw, table)
                    for item in items:
                        found[(table, repr({k: item[k] for k in table_keys}))] = item
                request = answer.get("UnprocessedKeys") or {}
        self.overhead += time.perf_counter() - started
        return [found.get((table, repr(key))) for table, key in keys]

    def _key(self, raw: Any, table: str, item: dict[str, Any]) -> dict[str, Any]:
        keys, _ = self._schema(raw, table)
        return {k: item[k] for k in keys}

    def _index_writes(
        self,
        raw: Any,
        table: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> float:
        keys, indexes = self._schema(raw, table)
        units = 0.0
        for index in indexes:

            def entry(item: dict[str, Any] | None, index: Index = index) -> Any:
                if not item or any(k not in item for k in index.keys):
                    return None
                if index.projection == "ALL":
                    projected = item
                else:
                    names = {*keys, *index.keys, *index.included}
                    projected = {k: v for k, v in item.items() if k in names}
                return tuple(repr(item[k]) for k in index.keys), item_size(projected)

            old, new = entry(before), entry(after)
            if old and new and old[0] != new[0]:
                units += wru(old[1]) + wru(new[1])
            elif new or old:
                units += wru((new or old)[1])
        return units

    def _write(
        self, raw: Any, table: str, key: dict[str, Any], call: Any, factor: float
    ) -> tuple[Any, float]:
        """Runs ``call`` between reads of the item; its write units, indexes included."""
        before = self._item(raw, table, key)
        response = call()
        after = self._item(raw, table, key)
        units = wru(max(item_size(before), item_size(after))) * factor
        return response, units + self._index_writes(raw, table, before, after)

    def _dynamodb(self, raw: Any, usage: Usage, operation: str, params: dict[str, Any]) -> Any:
        params = {**params, "ReturnConsumedCapacity": "TOTAL"}
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            table = params["TableName"]
            key = params.get("Key") or self._key(raw, table, params["Item"])
            response, units = self._write(
                raw, table, key, lambda: raw(operation, params), factor=1.0
            )
            usage.write_units += units
        elif operation == "TransactWriteItems":
            entries = [
                (kind, body) for entry in params["TransactItems"] for kind, body in entry.items()
            ]
            targets = [
                (
                    body["TableName"],
                    body.get("Key") or self._key(raw, body["TableName"], body["Item"]),
                )
                for _, body in entries
            ]
            befores = self._items(raw, targets)
            response = raw(operation, params)
            afters = self._items(raw, targets)
            for (kind, _), (table, _), before, after in zip(
                entries, targets, befores, afters, strict=True
            ):
                size = max(item_size(before), item_size(after))
                usage.write_units += 2 * wru(size)
                if kind != "ConditionCheck":
                    usage.write_units += self._index_writes(raw, table, before, after)
        elif operation == "BatchWriteItem":
            writes = [
                (
                    table,
                    self._key(raw, table, request["PutRequest"]["Item"])
                    if "PutRequest" in request
                    else request["DeleteRequest"]["Key"],
                )
                for table, requests in params["RequestItems"].items()
                for request in requests
            ]
            befores = self._items(raw, writes)
            response = raw(operation, params)
            afters = self._items(raw, writes)
            for (table, _), before, after in zip(writes, befores, afters, strict=True):
                usage.write_units += wru(max(item_size(before), item_size(after)))
                usage.write_units += self._index_writes(raw, table, before, after)
        else:
            response = raw(operation, params)
            usage.read_units += self._read_units(operation, params, response)
        usage.reported_units += _reported(response.get("ConsumedCapacity"))
        return response

    @staticmethod
    def _read_units(operation: str, params: dict[str, Any], response: dict[str, Any]) -> float:
        if operation == "GetItem":
            return rru(item_size(response.get("Item")), bool(params.get("ConsistentRead")))
        if operation == "BatchGetItem":
            units = 0.0
            for table, items in response.get("Responses", {}).items():
                consistent = bool(params["RequestItems"][table].get("ConsistentRead"))
                units += sum(rru(item_size(item), consistent) for item in items)
            return units
        if operation == "TransactGetItems":
            return sum(
                2 * rru(item_size(found.get("Item")), True)
                for found in response.get("Responses", [])
            )
        # Query and Scan: the page's items together, rounded up once.
        size = sum(item_size(item) for item in response.get("Items", []))
        return rru(size, bool(params.get("ConsistentRead")))

    # The other services

    @staticmethod
    def _other(usage: Usage, service: str, operation: str, params: dict[str, Any]) -> None:
        if service == "s3":
            if operation in S3_PUT_CLASS:
                usage.s3_put_class += 1
            elif operation not in S3_FREE:
                usage.s3_get_class += 1
        elif service in ("sesv2", "ses") and operation in ("SendEmail", "SendRawEmail"):
            destination = params.get("Destination", {})
            recipients = sum(len(destination.get(k, [])) for k in ("ToAddresses", "CcAddresses"))
            raw_message = params.get("Content", {}).get("Raw", {}).get("Data") or params.get(
                "RawMessage", {}
            ).get("Data", b"")
            usage.ses_messages += max(1, recipients or len(params.get("Destinations", [])))
            usage.ses_bytes += len(raw_message)
        elif service == "events" and operation == "PutEvents":
            usage.events += sum(
                max(1, math.ceil(len(str(e.get("Detail", ""))) / CHUNK)) for e in params["Entries"]
            )
        elif service == "sqs" and operation in ("SendMessage", "SendMessageBatch"):
            bodies = [e["MessageBody"] for e in params.get("Entries", [])] or [
                params.get("MessageBody", "")
            ]
            usage.sqs_requests += max(1, math.ceil(sum(len(b) for b in bodies) / CHUNK))
            usage.sqs_messages_sent += len(bodies)
        elif service == "sqs":
            usage.sqs_requests += 1


def _reported(consumed: Any) -> float:
    if isinstance(consumed, dict):
        return float(consumed.get("CapacityUnits", 0) or 0)
    if isinstance(consumed, list):
        return sum(float(c.get("CapacityUnits", 0) or 0) for c in consumed)
    return 0.0


def _length(body: Any) -> int:
    """Bytes of an S3 body: bytes, text or a seekable file."""
    if isinstance(body, bytes | bytearray | memoryview):
        return len(body)
    if isinstance(body, str):
        return len(body.encode())
    if hasattr(body, "seek") and hasattr(body, "tell"):
        position = body.tell()
        size = int(body.seek(0, 2))
        body.seek(position)
        return size - position
    return 0
