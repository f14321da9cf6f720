"""Report runs and subscriptions (reports table)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from recruiting.storage import lost_race
from recruiting.storage.items import ReportRunItem, ReportsTableItem, SubscriptionItem


def due_keys(next_run_at: str, subscription_id: str) -> dict[str, str]:
    return {"gsi1pk": f"DUE#{next_run_at[:10]}", "gsi1sk": f"{next_run_at}#{subscription_id}"}


class ReportRepository:
    def run(self, run_id: str) -> ReportRunItem | None:
        try:
            item = ReportsTableItem.get(f"RUN#{run_id}", "RUN")
        except DoesNotExist:
            return None
        return item if isinstance(item, ReportRunItem) else None

    def add_run(self, item: ReportRunItem) -> bool:
        """False when a run with this id exists (a subscription's occurrence, twice)."""
        try:
            item.save(condition=ReportRunItem.pk.does_not_exist())
        except PutError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def start(self, item: ReportRunItem, take_over: bool = False) -> bool:
        """queued -> running; False when another delivery has it or it is finished.
        ``take_over``: also a run left ``running`` by a worker that died."""
        condition = ReportRunItem.status == "queued"
        if take_over:
            condition = condition | (ReportRunItem.status == "running")
        try:
            item.update(actions=[ReportRunItem.status.set("running")], condition=condition)
        except UpdateError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def requeue(self, item: ReportRunItem) -> None:
        item.update(actions=[ReportRunItem.status.set("queued")])

    def finish(self, item: ReportRunItem, **fields: Any) -> None:
        item.update(actions=[getattr(ReportRunItem, k).set(v) for k, v in fields.items()])

    def owned(self, owner: str) -> Iterator[ReportsTableItem]:
        return ReportsTableItem.by_owner.query(f"OWNER#{owner}", scan_index_forward=False)

    # --- subscriptions ----------------------------------------------------------------

    def subscription(self, subscription_id: str) -> SubscriptionItem | None:
        try:
            item = ReportsTableItem.get(f"SUB#{subscription_id}", "SUB")
        except DoesNotExist:
            return None
        return item if isinstance(item, SubscriptionItem) else None

    def add_subscription(self, item: SubscriptionItem) -> None:
        item.save(condition=SubscriptionItem.pk.does_not_exist())

    def delete_subscription(self, item: SubscriptionItem) -> None:
        item.delete()

    def due(self, day: str, until: str) -> Iterator[SubscriptionItem]:
        for item in ReportsTableItem.by_due.query(
            f"DUE#{day}", ReportsTableItem.gsi1sk <= until + "~"
        ):
            if isinstance(item, SubscriptionItem):
                yield item

    def advance(self, item: SubscriptionItem, due: str, next_run_at: str, run_id: str) -> bool:
        """Move a subscription to its next run, once per occurrence."""
        keys = due_keys(next_run_at, str(item.subscription_id))
        try:
            item.update(
                actions=[
                    SubscriptionItem.next_run_at.set(next_run_at),
                    SubscriptionItem.last_run_id.set(run_id),
                    SubscriptionItem.gsi1pk.set(keys["gsi1pk"]),
                    SubscriptionItem.gsi1sk.set(keys["gsi1sk"]),
                ],
                condition=SubscriptionItem.next_run_at == due,
            )
        except UpdateError as exc:
            if lost_race(exc):
                return False
            raise
        return True
