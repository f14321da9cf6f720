"""What the stack is generated from: the declarations in ``recruiting.wiring``.

The stack takes a ``Declaration`` rather than reading the module's globals, so
a test can also synthesize a small declaration that exercises every kind of
trigger; ``Declaration.from_wiring()`` is the real one.
"""

from __future__ import annotations

from dataclasses import dataclass

from recruiting import wiring


def pascal(key: str) -> str:
    """``resume_uploads`` -> ``ResumeUploads``: construct ids from declaration keys."""
    return "".join(part.capitalize() for part in key.replace("-", "_").split("_"))


@dataclass(frozen=True)
class Declaration:
    """Functions and the resources they touch, as declared in the wiring."""

    functions: tuple[wiring.Function, ...]
    tables: tuple[wiring.Table, ...]
    buckets: tuple[wiring.Bucket, ...]
    queues: tuple[wiring.Queue, ...]
    buses: tuple[wiring.Bus, ...]
    binary_media_types: tuple[str, ...] = ()

    @classmethod
    def from_wiring(cls) -> Declaration:
        """The project's one declaration."""
        return cls(
            functions=wiring.FUNCTIONS,
            tables=wiring.TABLES,
            buckets=wiring.BUCKETS,
            queues=wiring.QUEUES,
            buses=wiring.BUSES,
            binary_media_types=wiring.BINARY_MEDIA_TYPES,
        )

    def table(self, key: str) -> wiring.Table:
        return next(t for t in self.tables if t.key == key)

    def bucket(self, key: str) -> wiring.Bucket:
        return next(b for b in self.buckets if b.key == key)

    def queue(self, key: str) -> wiring.Queue:
        return next(q for q in self.queues if q.key == key)

    def bus(self, key: str) -> wiring.Bus:
        return next(b for b in self.buses if b.key == key)

    @property
    def has_recruiter_routes(self) -> bool:
        return any(r.auth == "recruiter" for f in self.functions for r in f.routes)

    def browser_upload_buckets(self) -> set[str]:
        """Buckets a public-route function writes to: browsers upload there (presigned POST)."""
        return {
            access.bucket
            for f in self.functions
            if any(r.auth == "public" for r in f.routes)
            for access in f.buckets
            if access.access != "read"
        }

    def validate(self) -> None:
        """Fail synthesis on a declaration that cannot be deployed as meant."""
        tables = {t.key for t in self.tables}
        buckets = {b.key for b in self.buckets}
        queues = {q.key: q for q in self.queues}
        buses = {b.key for b in self.buses}
        problems: list[str] = []
        for b in self.buckets:
            if b.notify_prefixes and b.notify_queue not in queues:
                problems.append(f"bucket {b.key}: notify_queue {b.notify_queue!r} is not declared")
        seen_routes: dict[tuple[str, str], str] = {}
        for f in self.functions:
            problems += [
                f"{f.name}: table {k!r} is not declared" for k, _ in f.tables if k not in tables
            ]
            problems += [
                f"{f.name}: bucket {a.bucket!r} is not declared"
                for a in f.buckets
                if a.bucket not in buckets
            ]
            problems += [
                f"{f.name}: bus {k!r} is not declared" for k in f.publishes_to if k not in buses
            ]
            for k in (*f.consumes, *f.sends_to):
                if k not in queues:
                    problems.append(f"{f.name}: queue {k!r} is not declared")
            for k in f.consumes:
                # SQS hides a message for the visibility timeout; shorter than the
                # function's timeout, a slow batch would be delivered twice.
                if k in queues and queues[k].visibility_timeout_seconds < f.timeout_seconds:
                    problems.append(
                        f"{f.name}: queue {k!r} visibility timeout is shorter than its timeout"
                    )
            for r in f.routes:
                other = seen_routes.setdefault((r.method, r.path), f.name)
                if other != f.name:
                    problems.append(f"{r.method} {r.path} is routed to {other} and {f.name}")
        if problems:
            raise ValueError("invalid wiring declaration:\n  " + "\n  ".join(problems))
